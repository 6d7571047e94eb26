import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { createUpstreamClient, SMALL_BODY_BYTES } from '../../../src/upstream/client';
import { NodeStreamBody } from '../../../src/upstream/node-body';
import { createNodeFetch } from '../../../src/upstream/node-fetch';
import { countingTokens } from '../../helpers/fake-upstream';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

// Node runs the client on undici's request API (`fetchKeepingNodeBody`); fetch stays the fallback and the Workers way.
describe.each([
  ['fetch', false],
  ['request, Node bodies', true],
] as const)('upstream client over a real socket (undici Agent, %s)', (_name, nodeBodies) => {
  let server: Server;
  let origin: string;
  let handler: Handler = (_req, res) => res.end('{}');
  let connections = 0;
  let requests: Array<{ method: string; auth: string | undefined }> = [];
  const nodeFetch = createNodeFetch({
    headersTimeoutMs: 2_000,
    connectTimeoutMs: 2_000,
    bodyTimeoutMs: 1_000,
  });

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
      fetchKeepingNodeBody: nodeBodies ? nodeFetch.nodeBodies.fetch : undefined,
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

  it.each([
    ['small', 100],
    ['large', 512 * 1024],
  ])(
    'refreshes once after a 401 whose %s body it throws away, and the process carries on',
    async (_s, size) => {
      let n = 0;
      handler = (_req, res) => {
        n++;
        if (n === 1) {
          res.writeHead(401, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ errorCode: 'AUTH', message: 'x'.repeat(size) }));
        }
        res.end('{"ok":true}');
      };
      requests = [];
      expect(await client().json({ integratedAccountId: 'ia', url: `${origin}/r`, method: 'GET' })).toEqual({
        ok: true,
      });
      expect(requests.map((r) => r.auth)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
      // A discarded body must not fail later from an event nobody listens to (that would end the process).
      await new Promise((r) => setTimeout(r, 50));
    },
  );

  it("keeps DocuSign's error body of a 4xx in the error's details", async () => {
    handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"errorCode":"INVALID_REQUEST_PARAMETER","message":"bad count"}');
    };
    const err = await client()
      .json({ integratedAccountId: 'ia', url: `${origin}/bad`, method: 'GET' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(JSON.stringify((err as ApiError).details)).toContain('INVALID_REQUEST_PARAMETER');
  });

  it('reports a body cut off, or gone silent, while it is read as upstream_unavailable', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"users":[');
      // Cut: the socket closes; silent: nothing more is sent (the agent's body timeout is 1 s here).
      if (req.url === '/cut') setTimeout(() => req.socket.destroy(), 10);
    };
    for (const path of ['/cut', '/silent']) {
      const err = await client()
        .json({ integratedAccountId: 'ia', url: `${origin}${path}`, method: 'GET' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('upstream_unavailable');
    }
  });

  it('decodes a body compressed without being asked, and drops the headers that described the encoded bytes', async () => {
    const document = Buffer.alloc(SMALL_BODY_BYTES * 3, 'a');
    handler = (req, res) => {
      const body = gzipSync(req.url === '/doc' ? document : Buffer.from('{"ok":true}'));
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(body.byteLength) });
      res.end(body);
    };
    expect(await client().json({ integratedAccountId: 'ia', url: `${origin}/j`, method: 'GET' })).toEqual({
      ok: true,
    });
    const doc = await client().request({ integratedAccountId: 'ia', url: `${origin}/doc`, method: 'GET' });
    expect(Buffer.from(await doc.arrayBuffer()).equals(document)).toBe(true);
    if (nodeBodies) {
      const sent = await client().send({
        integratedAccountId: 'ia',
        url: `${origin}/doc`,
        method: 'GET',
        nodeBody: true,
      });
      expect(sent.headers.has('content-encoding')).toBe(false);
      expect(sent.headers.has('content-length')).toBe(false);
      const chunks: Buffer[] = [];
      for await (const chunk of (sent.body as NodeStreamBody).stream as unknown as AsyncIterable<Buffer>)
        chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(document)).toBe(true);
    }
  });

  it('sends a string body with the type fetch would give it', async () => {
    let seen: string | undefined;
    handler = (req, res) => {
      seen = req.headers['content-type'];
      res.end('{}');
    };
    await client().json({ integratedAccountId: 'ia', url: `${origin}/t`, method: 'POST', body: 'x' });
    expect(seen).toBe('text/plain;charset=UTF-8');
  });

  it('send(): a small body as bytes; a large one as a Node stream only when asked and only on Node', async () => {
    const size = SMALL_BODY_BYTES * 4;
    handler = (req, res) => {
      const length = req.url === '/small' ? 100 : size;
      res.writeHead(200, { 'content-length': String(length) });
      res.end(Buffer.alloc(length, 3));
    };
    const small = await client().send({ integratedAccountId: 'ia', url: `${origin}/small`, method: 'GET' });
    expect(small.body).toBeInstanceOf(Uint8Array);
    expect((small.body as Uint8Array).byteLength).toBe(100);

    const large = await client().send({
      integratedAccountId: 'ia',
      url: `${origin}/large`,
      method: 'GET',
      nodeBody: true,
    });
    let total = 0;
    if (nodeBodies) {
      expect(large.body).toBeInstanceOf(NodeStreamBody);
      for await (const chunk of (large.body as NodeStreamBody).stream as unknown as AsyncIterable<Buffer>)
        total += chunk.byteLength;
    } else {
      expect(large.body).toBeInstanceOf(ReadableStream);
      for await (const chunk of large.body as ReadableStream<Uint8Array>) total += chunk.byteLength;
    }
    expect(total).toBe(size);
    const web = await client().request({ integratedAccountId: 'ia', url: `${origin}/large`, method: 'GET' });
    expect((await web.arrayBuffer()).byteLength).toBe(size);
  });
});
