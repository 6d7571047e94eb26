import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import {
  createUpstreamClient,
  SMALL_BODY_BYTES,
  type UpstreamClientDeps,
} from '../../../src/upstream/client';
import { createFakeClock } from '../../helpers/clock';
import {
  connectionReset,
  countingTokens,
  jsonResponse,
  type Step,
  scriptedFetch,
} from '../../helpers/fake-upstream';

const URL_ = 'https://demo.docusign.net/restapi/v2.1/accounts/acc-1/users';

function setup(steps: Step[], config: UpstreamClientDeps['config'] = {}) {
  const upstream = scriptedFetch(...steps);
  const clock = createFakeClock();
  const tokens = countingTokens();
  const client = createUpstreamClient({
    fetch: upstream.fetch,
    tokens,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    config,
  });
  return { client, upstream, clock, tokens };
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('upstream client: credentials', () => {
  it('sends the token from the token source and drops a caller-supplied Authorization header', async () => {
    const { client, upstream } = setup([jsonResponse(200, { ok: true })]);
    await client.json({
      integratedAccountId: 'ia_1',
      url: URL_,
      method: 'GET',
      headers: { Authorization: 'Bearer stolen', 'x-custom': 'kept' },
    });
    expect(upstream.calls).toHaveLength(1);
    expect(upstream.calls[0]!.headers.get('authorization')).toBe('Bearer tok-1');
    expect(upstream.calls[0]!.headers.get('x-custom')).toBe('kept');
    expect(upstream.calls[0]!.headers.get('accept')).toBe('application/json');
  });

  it('drops the caller’s cookies and hop-by-hop headers', async () => {
    const { client, upstream } = setup([jsonResponse(200, {})]);
    await client.request({
      integratedAccountId: 'ia_1',
      url: URL_,
      method: 'GET',
      headers: {
        cookie: 'session=abc',
        'proxy-authorization': 'Basic x',
        connection: 'close',
        te: 'trailers',
      },
    });
    const sent = upstream.calls[0]!.headers;
    for (const name of ['cookie', 'proxy-authorization', 'connection', 'te'])
      expect(sent.has(name)).toBe(false);
  });

  it('on a 401 forces exactly one token refresh and retries once with the new token', async () => {
    const { client, upstream, tokens } = setup([
      jsonResponse(401, { errorCode: 'USER_AUTHENTICATION_FAILED', message: 'expired' }),
      jsonResponse(200, { users: [] }),
    ]);
    const body = await client.json<{ users: unknown[] }>({
      integratedAccountId: 'ia_1',
      url: URL_,
      method: 'GET',
    });
    expect(body).toEqual({ users: [] });
    expect(tokens.forced).toBe(1);
    expect(tokens.rejected).toEqual(['tok-1']);
    expect(upstream.calls.map((c) => c.headers.get('authorization'))).toEqual([
      'Bearer tok-1',
      'Bearer tok-2',
    ]);
  });

  it('retries a 401 on a POST too (the body is replayable) but never more than once', async () => {
    const { client, upstream, tokens } = setup([
      jsonResponse(401, { errorCode: 'USER_AUTHENTICATION_FAILED', message: 'no' }),
    ]);
    const err = await caught(
      client.json({ integratedAccountId: 'ia_1', url: URL_, method: 'POST', body: '{"a":1}' }),
    );
    expect(upstream.calls).toHaveLength(2);
    expect(upstream.calls[1]!.body).toBe('{"a":1}');
    expect(tokens.forced).toBe(1);
    expect(err.code).toBe('upstream_error');
    expect(err.status).toBe(502);
    expect(err.details).toEqual({ errorCode: 'USER_AUTHENTICATION_FAILED', message: 'no' });
  });

  it('surfaces a 401 as an error without retrying when the body is a stream, but refreshes the token for next time', async () => {
    const { client, upstream, tokens } = setup([
      jsonResponse(401, { errorCode: 'USER_AUTHENTICATION_FAILED', message: 'no' }),
    ]);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('data'));
        c.close();
      },
    });
    const err = await caught(
      client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'PUT', body: stream }),
    );
    expect(upstream.calls).toHaveLength(1);
    expect(tokens.forced).toBe(1);
    expect(err.code).toBe('upstream_error');
    expect(err.message).toMatch(/stream/);
    expect(await tokens.getAccessToken('ia_1')).toBe('tok-2');
  });

  it('never puts the access token into an error, even when DocuSign echoes it', async () => {
    const { client } = setup([new Response('bad token tok-1 and tok-2', { status: 401 })]);
    const err = await caught(client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' }));
    expect(JSON.stringify({ m: err.message, d: err.details })).not.toMatch(/tok-\d/);
  });
});

describe('upstream client: retries', () => {
  it('retries GET on 503 with exponential backoff and full jitter, then succeeds', async () => {
    const { client, upstream, clock } = setup(
      [new Response('', { status: 503 }), new Response('', { status: 502 }), jsonResponse(200, { ok: 1 })],
      { baseDelayMs: 100, maxDelayMs: 10_000 },
    );
    expect(await client.json({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' })).toEqual({ ok: 1 });
    expect(upstream.calls).toHaveLength(3);
    // random() = 0.5 → half of 100·2^0 and of 100·2^1
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const { client, clock } = setup([new Response('', { status: 504 })], {
      baseDelayMs: 1_000,
      maxDelayMs: 1_500,
      maxAttempts: 4,
    });
    await caught(client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' }));
    expect(clock.sleeps).toEqual([500, 750, 750]);
  });

  it('gives up after maxAttempts with upstream_unavailable carrying DocuSign’s body', async () => {
    const { client, upstream } = setup(
      [jsonResponse(503, { errorCode: 'SERVICE_UNAVAILABLE', message: 'down' })],
      {
        maxAttempts: 3,
      },
    );
    const err = await caught(client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' }));
    expect(upstream.calls).toHaveLength(3);
    expect(err.code).toBe('upstream_unavailable');
    expect(err.status).toBe(503);
    expect(err.details).toEqual({ errorCode: 'SERVICE_UNAVAILABLE', message: 'down' });
  });

  it('retries connection resets for GET', async () => {
    const { client, upstream } = setup([connectionReset(), connectionReset(), jsonResponse(200, { ok: 1 })]);
    expect(await client.json({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' })).toEqual({ ok: 1 });
    expect(upstream.calls).toHaveLength(3);
  });

  it('never retries a POST without an idempotency key, on a reset or on a 503', async () => {
    const reset = setup([connectionReset(), jsonResponse(200, {})]);
    const err = await caught(
      reset.client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'POST', body: '{}' }),
    );
    expect(err.code).toBe('upstream_unavailable');
    expect(err.message).toMatch(/ECONNRESET/);
    expect(reset.upstream.calls).toHaveLength(1);

    const unavailable = setup([new Response('', { status: 503 }), jsonResponse(200, {})]);
    const err2 = await caught(
      unavailable.client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'POST', body: '{}' }),
    );
    expect(err2.code).toBe('upstream_unavailable');
    expect(unavailable.upstream.calls).toHaveLength(1);

    const limited = setup([
      new Response('', { status: 429, headers: { 'retry-after': '1' } }),
      jsonResponse(200, {}),
    ]);
    const err3 = await caught(
      limited.client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'POST' }),
    );
    expect(err3.code).toBe('rate_limited');
    expect(limited.upstream.calls).toHaveLength(1);
  });

  it('retries a POST that carries an idempotency key', async () => {
    const { client, upstream } = setup([connectionReset(), jsonResponse(201, { id: 'e1' })]);
    const body = await client.json({
      integratedAccountId: 'ia_1',
      url: URL_,
      method: 'POST',
      body: '{"x":1}',
      idempotencyKey: 'idem-1',
    });
    expect(body).toEqual({ id: 'e1' });
    expect(upstream.calls.map((c) => c.body)).toEqual(['{"x":1}', '{"x":1}']);
  });

  it('does not retry a stream body, even for PUT', async () => {
    const { client, upstream } = setup([connectionReset(), jsonResponse(200, {})]);
    const stream = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const err = await caught(
      client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'PUT', body: stream }),
    );
    expect(err.code).toBe('upstream_unavailable');
    expect(upstream.calls).toHaveLength(1);
  });

  it('does not retry programming errors (e.g. an invalid URL)', async () => {
    const { client, upstream } = setup([new RangeError('boom')]);
    await expect(client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' })).rejects.toThrow(
      RangeError,
    );
    expect(upstream.calls).toHaveLength(1);
  });

  it('does not retry other 4xx and returns them untouched from request()', async () => {
    const { client, upstream } = setup([
      jsonResponse(404, { errorCode: 'USER_DOES_NOT_EXIST', message: 'x' }),
    ]);
    const res = await client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errorCode: 'USER_DOES_NOT_EXIST', message: 'x' });
    expect(upstream.calls).toHaveLength(1);
  });

  it('stops retrying when the overall deadline would be passed', async () => {
    const { client, upstream } = setup([new Response('', { status: 503 })], {
      baseDelayMs: 1_000,
      maxDelayMs: 1_000,
      maxAttempts: 10,
      deadlineMs: 1_200,
      budget: { refillPerSecond: 1_000 },
    });
    const err = await caught(client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' }));
    expect(err.code).toBe('upstream_unavailable');
    // waits of 500 ms each: 0 → 500 → 1000; a third wait would end at 1500 > 1200
    expect(upstream.calls).toHaveLength(3);
  });
});

describe('upstream client: rate limits from DocuSign', () => {
  it('honours Retry-After in seconds', async () => {
    const { client, clock } = setup([
      new Response('', { status: 429, headers: { 'retry-after': '3' } }),
      jsonResponse(200, { ok: 1 }),
    ]);
    await client.json({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    expect(clock.sleeps).toEqual([3_000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const clock0 = createFakeClock();
    const date = new Date(clock0.t + 5_000).toUTCString();
    const { client, clock } = setup([
      new Response('', { status: 429, headers: { 'retry-after': date } }),
      jsonResponse(200, { ok: 1 }),
    ]);
    await client.json({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(4_000);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(5_000);
  });

  it('gives up at once with rate_limited and retry-after when DocuSign asks for more than the maximum wait', async () => {
    const { client, upstream, clock } = setup(
      [new Response('', { status: 429, headers: { 'retry-after': '120' } })],
      {
        maxRetryAfterMs: 10_000,
      },
    );
    const err = await caught(client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' }));
    expect(err.code).toBe('rate_limited');
    expect(err.status).toBe(429);
    expect(err.headers).toEqual({ 'retry-after': '120' });
    expect(upstream.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits for X-RateLimit-Reset when the hourly quota is exhausted and no Retry-After is given', async () => {
    const clock0 = createFakeClock();
    const reset = String(Math.floor(clock0.t / 1000) + 4);
    const { client, clock, upstream } = setup([
      new Response('', {
        status: 429,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '1000', 'x-ratelimit-reset': reset },
      }),
      jsonResponse(200, { ok: 1 }),
    ]);
    await client.json({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    expect(upstream.calls).toHaveLength(2);
    const waited = clock.sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(3_000);
    expect(clock.t).toBeGreaterThanOrEqual(Number(reset) * 1000);
  });

  it('after a 429 with Retry-After, later requests of the same account wait too; other accounts do not', async () => {
    const { client, clock, upstream } = setup([
      new Response('', { status: 429, headers: { 'retry-after': '3' } }),
      jsonResponse(200, {}),
    ]);
    const err = await caught(
      client.request({
        integratedAccountId: 'ia_1',
        budgetKey: 'acct-a',
        url: URL_,
        method: 'POST',
        body: '{}',
      }),
    );
    expect(err.code).toBe('rate_limited');
    await client.request({ integratedAccountId: 'ia_2', budgetKey: 'acct-b', url: URL_, method: 'GET' });
    expect(clock.sleeps).toEqual([]);
    await client.request({ integratedAccountId: 'ia_1', budgetKey: 'acct-a', url: URL_, method: 'GET' });
    expect(clock.sleeps).toEqual([3_000]);
    expect(upstream.calls).toHaveLength(3);
  });

  it('after retries, a 429 becomes rate_limited with a retry-after header', async () => {
    const { client, upstream } = setup(
      [jsonResponse(429, { errorCode: 'HOURLY_APINVOCATION_LIMIT_EXCEEDED' }, { 'retry-after': '2' })],
      { maxAttempts: 2 },
    );
    const err = await caught(client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' }));
    expect(upstream.calls).toHaveLength(2);
    expect(err.code).toBe('rate_limited');
    expect(err.headers?.['retry-after']).toBe('2');
  });
});

describe('upstream client: timeouts and cancellation', () => {
  function hanging(): Step {
    return (req) =>
      new Promise<Response>((_, reject) => {
        req.signal.addEventListener('abort', () => reject(req.signal.reason));
      });
  }

  it('times out each attempt and reports upstream_unavailable after the retries', async () => {
    const { client, upstream } = setup([hanging()], { maxAttempts: 3 });
    const err = await caught(
      client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET', timeoutMs: 5 }),
    );
    expect(err.code).toBe('upstream_unavailable');
    expect(err.message).toMatch(/no response within 5 ms/);
    expect(upstream.calls).toHaveLength(3);
  });

  it('does not retry a timed-out POST', async () => {
    const { client, upstream } = setup([hanging()]);
    const err = await caught(
      client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'POST', timeoutMs: 5 }),
    );
    expect(err.code).toBe('upstream_unavailable');
    expect(upstream.calls).toHaveLength(1);
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    const { client, upstream } = setup([hanging()]);
    const controller = new AbortController();
    const pending = client.request({
      integratedAccountId: 'ia_1',
      url: URL_,
      method: 'GET',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('client went away')), 1);
    await expect(pending).rejects.toThrow('client went away');
    expect(upstream.calls).toHaveLength(1);
  });
});

describe('upstream client: streaming', () => {
  /** A body of `kib` 1 KiB chunks, made only when pulled; `pulled()` says how many were. */
  function countedBody(kib: number) {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        if (pulled > kib) c.close();
        else c.enqueue(new Uint8Array(1024));
      },
    });
    return { body, pulled: () => pulled };
  }

  it('returns a large body as a stream, reading ahead no more than the small-body limit', async () => {
    const source = countedBody(200);
    const { client } = setup([() => new Response(source.body)]);
    const res = await client.request({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    // Read-ahead stops just past SMALL_BODY_BYTES (plus what the stream machinery pre-fetches), not at the end.
    expect(source.pulled()).toBeLessThan(SMALL_BODY_BYTES / 1024 + 5);
    expect(source.pulled()).toBeGreaterThan(SMALL_BODY_BYTES / 1024);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(200 * 1024);
    expect(bytes.every((b) => b === 0)).toBe(true);
  });

  it('does not read ahead when the declared length is large', async () => {
    const source = countedBody(100);
    const { client } = setup([
      () => new Response(source.body, { headers: { 'content-length': String(100 * 1024) } }),
    ]);
    const res = await client.send({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    expect(source.pulled()).toBeLessThan(5);
    expect(res.body).toBeInstanceOf(ReadableStream);
    await (res.body as ReadableStream).cancel();
  });

  it('hands a small body over as bytes and frees the account slot without waiting for the caller', async () => {
    const { client } = setup([jsonResponse(200, { n: 1 }), jsonResponse(200, { n: 2 })], {
      budget: { maxConcurrent: 1 },
    });
    const first = await client.send({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    expect(first.body).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(new TextDecoder().decode(first.body as Uint8Array))).toEqual({ n: 1 });
    // With one slot and a streamed body still unread, this call would wait for the slot.
    const second = await client.json<{ n: number }>({
      integratedAccountId: 'ia_1',
      url: URL_,
      method: 'GET',
    });
    expect(second).toEqual({ n: 2 });
  });

  it('keeps a large streamed body holding the account slot until it is read', async () => {
    const big = () =>
      new Response(new Uint8Array(SMALL_BODY_BYTES + 1), {
        headers: { 'content-length': String(SMALL_BODY_BYTES + 1) },
      });
    const { client } = setup([big, jsonResponse(200, { n: 2 })], {
      budget: { maxConcurrent: 1 },
      maxRetryAfterMs: 50,
      deadlineMs: 50,
    });
    const first = await client.send({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' });
    let secondDone = false;
    const second = client.json({ integratedAccountId: 'ia_1', url: URL_, method: 'GET' }).then((v) => {
      secondDone = true;
      return v;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(secondDone).toBe(false);
    await new Response(first.body as ReadableStream).arrayBuffer();
    expect(await second).toEqual({ n: 2 });
  });
});
