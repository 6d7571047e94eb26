import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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
