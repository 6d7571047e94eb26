import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';

/**
 * Memory use of a large download through /proxy, measured as what it depends on: how far DocuSign's side may run
 * ahead of what the caller has read. A buffering proxy lets the whole body through before the caller reads a byte;
 * a streaming one holds at most a small window (RSS itself also depends on when V8 collects spent chunks, so the
 * benchmark reports it; this test checks the property behind it).
 */
const SIZE = 50 * 1024 * 1024;
const CHUNK = 64 * 1024;
const WINDOW = 1024 * 1024;

let t: ConnectedApp;
let id: string;
let produced = 0;

beforeAll(async () => {
  let simFetch: typeof fetch | undefined;
  // DocuSign's document endpoint is replaced by a 50 MB body produced only when pulled.
  const upstream: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith('/documents/big')) return simFetch!(input, init);
    produced = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (produced >= SIZE) return controller.close();
          produced += CHUNK;
          controller.enqueue(new Uint8Array(CHUNK).fill(produced / CHUNK));
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      headers: { 'content-type': 'application/pdf', 'content-length': String(SIZE) },
    });
  };
  t = await createConnectedApp({ app: { fetch: upstream } });
  simFetch = t.sim.fetch;
  id = await t.connect({ permission: 'read' });
});
afterAll(() => t.close());

describe('/proxy large downloads', () => {
  it('passes a 50 MB body through while DocuSign stays within 1 MB of what the caller has read', async () => {
    const res = await t.request(`/proxy/esignature/envelopes/e1/documents/big?integrated_account_id=${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    // The response started before DocuSign had sent more than a chunk or two.
    expect(produced).toBeLessThanOrEqual(2 * CHUNK);

    const reader = res.body!.getReader();
    let consumed = 0;
    let maxAhead = 0;
    let chunksChecked = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // The bytes are DocuSign's, in order.
      if (consumed % (5 * 1024 * 1024) === 0) {
        expect(value[0]).toBe((consumed / CHUNK + 1) & 0xff);
        chunksChecked++;
      }
      consumed += value.byteLength;
      maxAhead = Math.max(maxAhead, produced - consumed);
      // A slow reader: yield to the event loop now and then, giving any buffering the chance to run ahead.
      if (consumed % (4 * CHUNK) === 0) await new Promise((r) => setTimeout(r, 0));
    }
    expect(consumed).toBe(SIZE);
    expect(chunksChecked).toBeGreaterThan(5);
    expect(maxAhead).toBeLessThanOrEqual(WINDOW);
  });

  it('stops pulling from DocuSign when the caller walks away', async () => {
    const res = await t.request(`/proxy/esignature/envelopes/e1/documents/big?integrated_account_id=${id}`);
    const reader = res.body!.getReader();
    for (let i = 0; i < 10; i++) await reader.read();
    await reader.cancel();
    const afterCancel = produced;
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBe(afterCancel);
    expect(produced).toBeLessThan(SIZE / 10);
  });
});
