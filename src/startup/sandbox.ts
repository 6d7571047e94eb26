import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import type { DocusignEnvironmentConfig } from '../connections/docusign-app';
import { createDocusignSimulator, type DocusignSimulator } from '../sandbox/docusign/index';

/** The built-in DocuSign sandbox as `npm start` runs it: a simulator on its own port. */
export interface RunningSandbox {
  sim: DocusignSimulator;
  origin: string;
  environment: DocusignEnvironmentConfig;
  /** A JWT-grant key pair registered with the sandbox's default app, kept under DATA_DIR across restarts. */
  jwt: { clientId: string; userId: string; privateKeyPem: string };
  close(): Promise<void>;
}

/**
 * Starts the simulator on `port` with the gateway's OAuth callback registered, and a persisted RSA key for the
 * JWT grant so the sandbox connection survives gateway restarts (the simulator's seeded ids are deterministic).
 */
export async function startSandbox(options: {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
}) {
  const origin = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${options.port}`;
  const keys = await loadOrCreateKeyPair(options.dataDir);
  const sim = createDocusignSimulator({
    origin,
    redirectUris: [`${options.publicUrl}/oauth/callback`],
    defaultClientPublicKeyPem: keys.publicKeyPem,
  });
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  const server = serve({ fetch: sim.serverFetch, port: options.port, hostname: options.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const sandbox: RunningSandbox = {
    sim,
    origin,
    environment: {
      oauthBase: origin,
      adminBase: `${origin}/management`,
      clientId: sim.defaults.clientId,
      clientSecret: sim.defaults.clientSecret,
    },
    jwt: { clientId: sim.defaults.clientId, userId: sim.defaults.userId, privateKeyPem: keys.privateKeyPem },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sandbox;
}

async function loadOrCreateKeyPair(
  dataDir: string,
): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const file = join(dataDir, 'sandbox-jwt-key.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { privateKeyPem: string; publicKeyPem: string };
  } catch {
    const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const keys = {
      privateKeyPem: await exportPKCS8(pair.privateKey),
      publicKeyPem: await exportSPKI(pair.publicKey),
    };
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(keys), { mode: 0o600 });
    return keys;
  }
}
