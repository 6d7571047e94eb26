/**
 * Serves the simulator over HTTP and HTTPS at once (Node only), as `npm run sandbox` and the SDK tests run it.
 * Every URL the simulator writes (base_uri, view URLs, Admin links) and the JWT `aud` it accepts follow the scheme,
 * host and port the client used, unless a fixed public origin is configured (a proxy in front).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createDocusignSimulator, type DocusignSimulator, type SimulatorOptions } from '../simulator';
import { loadOrCreateCertificate } from './certificate';
import { loadStateFile, type StateFile } from './state-file';

export interface SandboxServerOptions {
  host?: string;
  /** HTTP port (0 = any free port). */
  port: number;
  /** HTTPS port (0 = any free port); HTTPS is off when undefined. */
  httpsPort?: number;
  /** Where the certificate (and, with `persist`, the state) is kept. */
  dataDir: string;
  /** Keep the simulator's state in `dataDir` across restarts. */
  persist?: boolean;
  /** A fixed public origin (e.g. behind a proxy); otherwise each request's own origin is used. */
  publicOrigin?: string;
  /** JWT public keys (PEM, SPKI) to register for the default integration key. */
  publicKeyPems?: string[];
  /** Files holding a JWT public key (PEM) to register for the default integration key. */
  publicKeyFiles?: string[];
  simulator?: SimulatorOptions;
}

export interface SandboxServer {
  sim: DocusignSimulator;
  httpUrl: string;
  httpsUrl?: string;
  /** The PEM certificate clients must trust for HTTPS (NODE_EXTRA_CA_CERTS). */
  certPath?: string;
  cert?: string;
  /** Where the state is saved when persistence is on. */
  stateFile?: StateFile;
  /** Saves the state (when persistence is on) and stops both servers. */
  close(): Promise<void>;
}

type NodeServer = ReturnType<typeof serve>;

function listening(server: NodeServer): Promise<number> {
  return new Promise((resolve, reject) => {
    if (server.listening) resolve((server.address() as AddressInfo).port);
    server.once('listening', () => resolve((server.address() as AddressInfo).port));
    server.once('error', reject);
  });
}

function closeServer(server: NodeServer): Promise<void> {
  return new Promise((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Starts the sandbox; resolves once both ports listen. */
export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const host = options.host ?? '127.0.0.1';
  const origins = new AsyncLocalStorage<string>();
  const sim = createDocusignSimulator({
    ...options.simulator,
    origin: options.publicOrigin ?? options.simulator?.origin,
    requestOrigin: options.publicOrigin ? undefined : () => origins.getStore(),
  });

  const stateFile = options.persist ? await loadStateFile(sim, options.dataDir) : undefined;

  const keys = [...(options.publicKeyPems ?? [])];
  for (const file of options.publicKeyFiles ?? []) keys.push(await readFile(file, 'utf8'));
  for (const pem of keys) sim.registerPublicKey(sim.defaults.clientId, pem.trim());

  // The request's own origin: the Host header the client sent, on the scheme of the port it reached.
  const handler = (scheme: 'http' | 'https') => (req: Request, env: unknown) =>
    origins.run(`${scheme}://${new URL(req.url).host}`, async () => {
      const res = await sim.serverFetch(req, env);
      stateFile?.touch();
      return res;
    });

  const http = serve({ fetch: handler('http'), port: options.port, hostname: host });
  const httpPort = await listening(http);
  const displayHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const httpUrl = `http://${displayHost}:${httpPort}`;

  let https: NodeServer | undefined;
  let httpsUrl: string | undefined;
  let cert: Awaited<ReturnType<typeof loadOrCreateCertificate>> | undefined;
  if (options.httpsPort !== undefined) {
    cert = await loadOrCreateCertificate(options.dataDir);
    https = serve({
      fetch: handler('https'),
      port: options.httpsPort,
      hostname: host,
      createServer: createHttpsServer,
      serverOptions: { key: cert.key, cert: cert.cert },
    });
    httpsUrl = `https://${displayHost}:${await listening(https)}`;
  }
  // Outside a request (in-process calls, Connect), URLs use the fixed origin, else the HTTPS one.
  if (!options.publicOrigin) sim.setOrigin(httpsUrl ?? httpUrl);

  return {
    sim,
    httpUrl,
    httpsUrl,
    certPath: cert?.certPath,
    cert: cert?.cert,
    stateFile,
    async close() {
      await stateFile?.save();
      await Promise.all([closeServer(http), https ? closeServer(https) : Promise.resolve()]);
    },
  };
}
