import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFetch } from '../../../src/upstream/node-fetch';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { listen } from '../../helpers/http-server';

/**
 * Large downloads on Node go socket to socket as Node streams (`src/upstream/node-body.ts`): a real gateway server,
 * the real undici transport, and a real HTTP server in DocuSign's place for the documents (everything else is the
 * simulator). Checked: the bytes and headers, that a slow reader holds DocuSign back, that a caller who leaves stops
 * DocuSign, that the account's concurrency slot comes back (the budget allows one call at a time here), ranges,
 * the access log's status, a download DocuSign cuts off, and the E-Signature `download`.
 */
const SIZE = 50 * 1024 * 1024;
const CHUNK = 64 * 1024;
// Socket buffers on both hops (kernel and Node) may hold a few MB; a buffering gateway would run 50 MB ahead.
const WINDOW = 16 * 1024 * 1024;

interface Download {
  produced: number;
  finished: boolean;
  closed: Promise<void>;
}

let t: ConnectedApp;
let ia: string;
let gateway: { url: string; close(): Promise<void> };
let docusign: Server;
let docusignOrigin: string;
let nodeFetch: ReturnType<typeof createNodeFetch>;
const downloads: Download[] = [];

/** Not real zstd: only its encoding label matters, and that nothing decodes it. */
const ZSTD_BODY = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5, 6, 7, 8]);

/** The byte at `offset` of the document: its 64 KiB chunk number. */
const byteAt = (offset: number) => Math.floor(offset / CHUNK) & 0xff;

/** Writes bytes [from, to) of the document with Node's backpressure, counting what DocuSign has sent. */
function serveDocument(res: ServerResponse, from: number, to: number, cutAt = to): void {
  const download: Download = {
    produced: 0,
    finished: false,
    closed: new Promise((r) => res.once('close', r)),
  };
  downloads.push(download);
  res.once('finish', () => {
    download.finished = true;
  });
  let at = from;
  const pump = () => {
    while (at < to) {
      if (at >= cutAt) return res.destroy();
      const end = Math.min(to, at + CHUNK - (at % CHUNK));
      const chunk = Buffer.alloc(end - at, byteAt(at));
      at = end;
      download.produced += chunk.byteLength;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

beforeAll(async () => {
  docusign = createServer((req, res) => {
    const name = req.url?.match(/\/envelopes\/e1\/documents\/(\w+)$/)?.[1];
    const range = req.headers.range?.match(/^bytes=(\d+)-(\d+)$/);
    if (name === 'cut') {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(10 * 1024 * 1024) });
      return serveDocument(res, 0, 10 * 1024 * 1024, 1024 * 1024);
    }
    if (name === 'zstd' || name === 'zstdgone') {
      // A coding neither transport decodes: the bytes, encoding and length must reach the caller as sent.
      return res
        .writeHead(name === 'zstd' ? 200 : 404, {
          'content-type': name === 'zstd' ? 'application/pdf' : 'application/json',
          'content-encoding': 'zstd',
          'content-length': String(ZSTD_BODY.byteLength),
        })
        .end(ZSTD_BODY);
    }
    if (name !== 'big' && name !== 'combined') return res.writeHead(404).end();
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2]) + 1];
      res.writeHead(206, {
        'content-type': 'application/pdf',
        'content-length': String(to - from),
        'content-range': `bytes ${from}-${to - 1}/${SIZE}`,
      });
      return serveDocument(res, from, to);
    }
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': String(SIZE),
      'content-disposition': 'file; filename="big.pdf"',
    });
    serveDocument(res, 0, SIZE);
  });
  await new Promise<void>((resolve) => docusign.listen(0, '127.0.0.1', resolve));
  docusignOrigin = `http://127.0.0.1:${(docusign.address() as AddressInfo).port}`;
  nodeFetch = createNodeFetch();

  let simFetch: typeof fetch | undefined;
  // Documents of envelope e1 come from the real server above, through the real Node transport; the rest is the simulator.
  const isDocument = (input: Parameters<typeof fetch>[0]) =>
    typeof input === 'string' && /\/envelopes\/e1\/documents\//.test(input);
  const toDocusign = (input: string) => `${docusignOrigin}${new URL(input).pathname}`;
  t = await createConnectedApp({
    app: {
      fetch: (input, init) =>
        isDocument(input) ? nodeFetch.fetch(toDocusign(input as string), init) : simFetch!(input, init),
      nodeBodies: {
        fetch: (input, init) =>
          isDocument(input)
            ? nodeFetch.nodeBodies.fetch(toDocusign(input as string), init)
            : simFetch!(input, init),
        writerFor: nodeFetch.nodeBodies.writerFor,
      },
      upstream: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2_000, budget: { maxConcurrent: 1 } },
    },
  });
  simFetch = t.sim.fetch;
  ia = await t.connect({ permission: 'read' });
  gateway = await listen(t.app.fetch);
});
afterAll(async () => {
  await gateway.close();
  await new Promise((r) => docusign.close(r));
  await nodeFetch.close();
  await t.close();
});

function get(path: string, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return request(`${gateway.url}${path}`, { headers: { ...t.authHeaders, ...headers }, signal });
}
const documentPath = (name: string) =>
  `/proxy/esignature/envelopes/e1/documents/${name}?integrated_account_id=${ia}`;

describe('/proxy large downloads on a Node server', () => {
  it("passes DocuSign's 50 MB through in order, with its length and the gateway's headers, DocuSign held back by a slow reader", async () => {
    const res = await get(documentPath('big'));
    const download = downloads.at(-1)!;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(SIZE));
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    let consumed = 0;
    let maxAhead = 0;
    let checked = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      expect(chunk[0]).toBe(byteAt(consumed));
      expect(chunk[chunk.byteLength - 1]).toBe(byteAt(consumed + chunk.byteLength - 1));
      checked++;
      consumed += chunk.byteLength;
      maxAhead = Math.max(maxAhead, download.produced - consumed);
      // A slow reader: now and then it stops, giving a buffering gateway every chance to run ahead.
      if (checked % 64 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(consumed).toBe(SIZE);
    expect(download.finished).toBe(true);
    expect(maxAhead).toBeLessThanOrEqual(WINDOW);
    expect(t.logger.lines.some((l) => /"msg":"request".*"status":200/.test(l))).toBe(true);
  });

  it('stops DocuSign when the caller leaves, and gives the account its slot back', async () => {
    const caller = new AbortController();
    const res = await get(documentPath('big'), {}, caller.signal);
    const download = downloads.at(-1)!;
    let consumed = 0;
    await expect(
      (async () => {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          consumed += chunk.byteLength;
          if (consumed >= 2 * 1024 * 1024) caller.abort();
        }
      })(),
    ).rejects.toThrow();
    await download.closed;
    expect(download.finished).toBe(false);
    expect(download.produced).toBeLessThan(SIZE);
    // One call at a time per account: this one only gets through once the abandoned download gave its slot back.
    const users = await get(`/proxy/esignature/users?integrated_account_id=${ia}`);
    expect(users.statusCode).toBe(200);
    expect(((await users.body.json()) as { users: unknown[] }).users.length).toBeGreaterThan(0);
  });

  it('passes a body in a coding it does not decode as it came, with its encoding and length (2xx and 4xx)', async () => {
    for (const [name, status] of [
      ['zstd', 200],
      ['zstdgone', 404],
    ] as const) {
      const res = await get(documentPath(name));
      expect(res.statusCode, name).toBe(status);
      expect(res.headers['content-encoding'], name).toBe('zstd');
      expect(res.headers['content-length'], name).toBe(String(ZSTD_BODY.byteLength));
      expect(Buffer.from(await res.body.arrayBuffer()), name).toEqual(ZSTD_BODY);
    }
  });

  it("answers DocuSign's 206 for a range, and logs 206", async () => {
    const from = 3 * CHUNK + 17;
    const res = await get(documentPath('big'), { range: `bytes=${from}-${from + 2 * 1024 * 1024 - 1}` });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${from}-${from + 2 * 1024 * 1024 - 1}/${SIZE}`);
    const bytes = Buffer.from(await res.body.arrayBuffer());
    expect(bytes.byteLength).toBe(2 * 1024 * 1024);
    expect(bytes[0]).toBe(byteAt(from));
    expect(bytes[bytes.byteLength - 1]).toBe(byteAt(from + bytes.byteLength - 1));
    expect(t.logger.lines.some((l) => /"msg":"request".*"status":206/.test(l))).toBe(true);
  });

  it('cuts the response when DocuSign cuts the download, and keeps serving', async () => {
    const res = await get(documentPath('cut'));
    expect(res.statusCode).toBe(200);
    let consumed = 0;
    await expect(
      (async () => {
        for await (const chunk of res.body as AsyncIterable<Buffer>) consumed += chunk.byteLength;
      })(),
    ).rejects.toThrow();
    expect(consumed).toBeLessThan(10 * 1024 * 1024);
    const users = await get(`/proxy/esignature/users?integrated_account_id=${ia}`);
    expect(users.statusCode).toBe(200);
    await users.body.dump();
  });

  it('streams the E-Signature download the same way', async () => {
    const res = await get(
      `/unified/e-signature/signing-requests/e1/download?document=combined&integrated_account_id=${ia}`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(SIZE));
    expect(res.headers['content-disposition']).toBe('file; filename="big.pdf"');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    let consumed = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      expect(chunk[0]).toBe(byteAt(consumed));
      consumed += chunk.byteLength;
    }
    expect(consumed).toBe(SIZE);
  });
});
