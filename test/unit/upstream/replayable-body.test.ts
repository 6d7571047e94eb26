import { describe, expect, it } from 'vitest';
import { replayableBody } from '../../../src/upstream/replayable-body';

describe('replayableBody', () => {
  it('is null without a body', async () => {
    expect(await replayableBody(new Request('http://x/', { method: 'GET' }))).toBeNull();
  });

  it('buffers a small body with a declared length', async () => {
    const req = new Request('http://x/', {
      method: 'POST',
      body: 'hello',
      headers: { 'content-length': '5' },
    });
    const body = await replayableBody(req);
    expect(body).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(body as ArrayBuffer)).toBe('hello');
  });

  it('keeps a large body as a stream', async () => {
    const req = new Request('http://x/', {
      method: 'PUT',
      body: 'x'.repeat(100),
      headers: { 'content-length': '100' },
    });
    expect(await replayableBody(req, 10)).toBeInstanceOf(ReadableStream);
  });

  it('keeps a body of unknown length as a stream', async () => {
    const stream = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const req = new Request('http://x/', { method: 'PUT', body: stream, duplex: 'half' } as RequestInit);
    expect(await replayableBody(req)).toBeInstanceOf(ReadableStream);
  });
});
