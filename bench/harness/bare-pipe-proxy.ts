import { createServer, type OutgoingHttpHeaders } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { Agent, request } from 'undici';
import type { SimInfo } from './protocol';

/**
 * Baseline of the streaming bench: the least any proxy hop costs on Node — `node:http` in, undici's `request` out,
 * the body piped — with a fixed DocuSign token and nothing else (no Hono, auth, headers policy, budget or retries).
 */
export async function startBarePipeProxy(o: SimInfo) {
  const agent = new Agent();
  const base = `${o.origin}/restapi/v2.1/accounts/${o.accountId}`;
  const server = createServer((req, res) => {
    request(`${base}${req.url}`, { dispatcher: agent, headers: { authorization: `Bearer ${o.token}` } }).then(
      (up) => {
        res.writeHead(up.statusCode, up.headers as OutgoingHttpHeaders);
        pipeline(up.body, res, () => {});
      },
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    info: { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}

/**
 * A reference for the streaming bench: a TCP relay that copies bytes between two sockets without parsing HTTP at
 * all. Not a floor under every hop: with Node's defaults it spent more kernel time per byte than the gateway did.
 */
export async function startBareTcpRelay(o: SimInfo) {
  const upstream = new URL(o.origin);
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const relay = connect(Number(upstream.port), upstream.hostname);
    for (const s of [client, relay]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipeline(client, relay, client, () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    info: { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
