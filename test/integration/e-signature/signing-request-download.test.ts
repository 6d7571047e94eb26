import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { startSimulatorServer } from '../../helpers/docusign';
import { BASE, call, documentRequest } from './signing-request-helpers';

/**
 * A 50 MB document through `GET …/signing-requests/{id}/download`, with the simulator behind a real HTTP server.
 * As in the proxy streaming test, memory is checked through what it depends on: how far the gateway reads
 * DocuSign's body ahead of what its caller has read (a buffering route would read all 50 MB first).
 */
const SIZE = 50 * 1024 * 1024;
const WINDOW = 1024 * 1024;

let t: ConnectedApp;
let server: { url: string; close(): Promise<void> };
let rw: string;
let produced = 0;

/** The body as the gateway reads it, counting the bytes it pulls. */
function counted(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        produced += value.byteLength;
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

beforeAll(async () => {
  // Every DocuSign call goes over real HTTP to the simulator's server (its own origin stays the configured one).
  const upstream: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const real = url.replace(t.sim.origin, server.url);
    const res = await fetch(real, init);
    if (!/\/documents\/\d+$/.test(new URL(real).pathname) || !res.body) return res;
    produced = 0;
    return new Response(counted(res.body), { status: res.status, headers: res.headers });
  };
  t = await createConnectedApp({ app: { fetch: upstream } });
  server = await startSimulatorServer(t.sim, { adoptOrigin: false });
  rw = await t.connect();
});
afterAll(async () => {
  await t.close();
  await server.close();
});

describe('GET /unified/e-signature/signing-requests/{id}/download', () => {
  it('streams a 50 MB document with DocuSign’s headers while reading at most 1 MB ahead of the caller', async () => {
    const created = await call(t, rw, 'POST', BASE, {
      body: documentRequest([{ email: 'big@example.com' }]),
    });
    expect(created.res.status).toBe(201);
    const { documentId } = t.sim.actions.attachLargeDocument(created.body.id, { sizeBytes: SIZE });

    const res = await t.request(
      `${BASE}/${created.body.id}/download?integrated_account_id=${rw}&document=${documentId}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(res.headers.get('content-disposition')).toContain(`documentid="${documentId}"`);
    expect(res.headers.get('x-request-id')).toBeTruthy();

    const reader = res.body!.getReader();
    let consumed = 0;
    let maxAhead = 0;
    let head = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (consumed === 0) head = new TextDecoder().decode(value.slice(0, 4));
      consumed += value.byteLength;
      maxAhead = Math.max(maxAhead, produced - consumed);
      // A slow reader gives a buffering gateway every chance to run ahead.
      if (consumed % (8 * 64 * 1024) < value.byteLength) await new Promise((r) => setTimeout(r, 0));
    }
    expect(head).toBe('%PDF');
    expect(consumed).toBe(SIZE);
    expect(maxAhead).toBeLessThanOrEqual(WINDOW);
  });
});
