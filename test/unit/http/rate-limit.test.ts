import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../../src/http/context';
import { ApiError } from '../../../src/http/errors';
import { requestId } from '../../../src/http/middleware/request-id';
import { createRateLimiter, MemoryRateLimitStore, rateLimitPerApiKey } from '../../../src/http/rate-limit';

describe('rate limiter (sliding window counter)', () => {
  it('allows up to the limit in a window, then refuses with rate_limited and retry-after', async () => {
    let t = 1_000_000;
    const limiter = createRateLimiter({
      store: new MemoryRateLimitStore(),
      limit: 5,
      windowMs: 10_000,
      now: () => t,
    });
    for (let i = 0; i < 5; i++) expect((await limiter.enforce('key-a')).allowed).toBe(true);
    t += 2_000;
    const err = await limiter.enforce('key-a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('rate_limited');
    expect((err as ApiError).status).toBe(429);
    // 8 s to the next window, where the 5 hits still weigh fully; 2 s more until they weigh 4.
    expect((err as ApiError).headers?.['retry-after']).toBe('10');
  });

  it('keeps keys apart', async () => {
    const limiter = createRateLimiter({ store: new MemoryRateLimitStore(), limit: 1, now: () => 0 });
    expect((await limiter.check('a')).allowed).toBe(true);
    expect((await limiter.check('a')).allowed).toBe(false);
    expect((await limiter.check('b')).allowed).toBe(true);
  });

  it('weights the previous window so a burst at a window edge is not doubled', async () => {
    let t = 9_000;
    const limiter = createRateLimiter({
      store: new MemoryRateLimitStore(),
      limit: 10,
      windowMs: 10_000,
      now: () => t,
    });
    for (let i = 0; i < 10; i++) expect((await limiter.check('k')).allowed).toBe(true);
    t = 10_500; // new fixed window, but 95% of the sliding window still holds the 10 earlier requests
    const next = await limiter.check('k');
    expect(next.allowed).toBe(false);
    expect(next.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    t = 19_000; // only 10% of the previous window still counts: 1 + 1 refused + this one
    expect((await limiter.check('k')).allowed).toBe(true);
  });

  it('forgets a window that is more than one window old', async () => {
    let t = 0;
    const limiter = createRateLimiter({
      store: new MemoryRateLimitStore(),
      limit: 2,
      windowMs: 1_000,
      now: () => t,
    });
    await limiter.check('k');
    await limiter.check('k');
    expect((await limiter.check('k')).allowed).toBe(false);
    t = 5_000;
    expect((await limiter.check('k')).remaining).toBe(1);
  });

  it('the middleware limits per API key and sets retry-after on refusal', async () => {
    const limiter = createRateLimiter({ store: new MemoryRateLimitStore(), limit: 2, now: () => 0 });
    const app = new Hono<GatewayEnv>();
    app.onError((err, c) => {
      if (err instanceof ApiError) {
        for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
        return c.json({ code: err.code }, err.status);
      }
      throw err;
    });
    // requestId applies the headers the limiter adds, as in the app.
    app.use('*', requestId, async (c, next) => {
      c.set('auth', { environmentId: 'env', apiKeyId: c.req.header('x-key') ?? 'none' });
      await next();
    });
    app.use('*', rateLimitPerApiKey(limiter));
    app.get('/x', (c) => c.text('ok'));
    const call = (key: string) => app.request('/x', { headers: { 'x-key': key } });
    expect((await call('k1')).status).toBe(200);
    const second = await call('k1');
    expect(second.headers.get('ratelimit-remaining')).toBe('0');
    const third = await call('k1');
    expect(third.status).toBe(429);
    // The 2 hits weigh fully when the next window opens (10 s), and half as much 5 s later.
    expect(third.headers.get('retry-after')).toBe('15');
    expect((await call('k2')).status).toBe(200);
  });
});
