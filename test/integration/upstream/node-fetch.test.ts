import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { createUpstreamClient } from '../../../src/upstream/client';
import { createNodeFetch } from '../../../src/upstream/node-fetch';
import { countingTokens } from '../../helpers/fake-upstream';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('upstream client over a real socket (undici Agent)', () => {
  let server: Server;
  let origin: string;
  let handler: Handler = (_req, res) => res.end('{}');
  let connections = 0;
  let requests: Array<{ method: string; auth: string | undefined }> = [];
  const nodeFetch = createNodeFetch({ headersTimeoutMs: 2_000, connectTimeoutMs: 2_000 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ method: req.method ?? '', auth: req.headers.authorization });
      req.resume();
      req.on('end', () => handler(req, res));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await nodeFetch.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function client() {
    return createUpstreamClient({
      fetch: nodeFetch.fetch,
      tokens: countingTokens(),
      sleep: async () => {},
      config: { baseDelayMs: 1 },
    });
  }

  it('reuses keep-alive sockets instead of opening one per request', async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    };
    connections = 0;
    requests = [];
    const c = client();
    for (let i = 0; i < 20; i++)
      expect(await c.json({ integratedAccountId: 'ia', url: `${origin}/a`, method: 'GET' })).toEqual({
        ok: true,
      });
    expect(requests).toHaveLength(20);
    expect(requests[0]!.auth).toBe('Bearer tok-1');
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('retries a GET whose connection the server resets, and not a POST', async () => {
    let n = 0;
    handler = (req, res) => {
      n++;
      if (n === 1) {
        req.socket.destroy();
        return;
      }
      res.end('{"ok":true}');
    };
    requests = [];
    expect(await client().json({ integratedAccountId: 'ia', url: `${origin}/g`, method: 'GET' })).toEqual({
      ok: true,
    });
    expect(requests).toHaveLength(2);

    n = 0;
    requests = [];
    const err = await client()
      .json({ integratedAccountId: 'ia', url: `${origin}/p`, method: 'POST', body: '{}' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('upstream_unavailable');
    expect(requests).toHaveLength(1);
  });

  it('reports a refused connection as upstream_unavailable after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await client()
      .request({ integratedAccountId: 'ia', url: `http://127.0.0.1:${port}/x`, method: 'GET' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('upstream_unavailable');
    expect((err as ApiError).message).toMatch(/ECONNREFUSED/);
  });

  it('streams a response body and gives the caller what the server wrote', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let left = 64;
      const write = () => {
        while (left > 0) {
          left--;
          if (!res.write(Buffer.alloc(16 * 1024, 7))) return res.once('drain', write);
        }
        res.end();
      };
      write();
    };
    const res = await client().request({ integratedAccountId: 'ia', url: `${origin}/doc`, method: 'GET' });
    let total = 0;
    for await (const chunk of res.body!) total += chunk.byteLength;
    expect(total).toBe(64 * 16 * 1024);
  });
});
