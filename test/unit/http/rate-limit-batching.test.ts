import { describe, expect, it } from 'vitest';
import { createRateLimiter, MemoryRateLimitStore, type RateLimitStore } from '../../../src/http/rate-limit';
import { BatchingRateLimitStore } from '../../../src/http/rate-limit-batching';

const WINDOW = 10_000;

/** A shared store (one "database") that counts the round trips made to it and can be made to fail. */
function sharedStore() {
  const inner = new MemoryRateLimitStore();
  const calls: number[] = [];
  let failing = false;
  const store: RateLimitStore = {
    async hit(key, windowStart, windowMs, count = 1) {
      calls.push(count);
      if (failing) throw new Error('database down');
      return inner.hit(key, windowStart, windowMs, count);
    },
  };
  return {
    store,
    calls,
    fail: (on: boolean) => {
      failing = on;
    },
    total: async (key: string, windowStart: number) => (await inner.hit(key, windowStart, WINDOW, 0)).current,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('BatchingRateLimitStore', () => {
  it('asks the shared store once per window, then sends hits in batches instead of one round trip each', async () => {
    let t = 0;
    const shared = sharedStore();
    const store = new BatchingRateLimitStore(shared.store, { flushMs: 250, maxPending: 1000, now: () => t });
    for (let i = 0; i < 100; i++) {
      const counts = await store.hit('k', 0, WINDOW);
      expect(counts.current).toBe(i + 1);
    }
    expect(shared.calls).toEqual([1]);
    t = 300;
    await store.hit('k', 0, WINDOW);
    await settle();
    expect(shared.calls).toEqual([1, 100]);
    expect(await shared.total('k', 0)).toBe(101);
  });

  it('sends early once maxPending hits are waiting', async () => {
    const shared = sharedStore();
    const store = new BatchingRateLimitStore(shared.store, { flushMs: 60_000, maxPending: 10, now: () => 0 });
    for (let i = 0; i < 21; i++) await store.hit('k', 0, WINDOW);
    await settle();
    expect(shared.calls).toEqual([1, 10, 10]);
  });

  it('lets processes see each other within a flush, so a shared limit holds up to the batching slack', async () => {
    let t = 0;
    const shared = sharedStore();
    const options = { flushMs: 100, maxPending: 5, now: () => t };
    const processes = [0, 1].map(() =>
      createRateLimiter({
        store: new BatchingRateLimitStore(shared.store, options),
        limit: 100,
        windowMs: WINDOW,
        now: () => t,
      }),
    );
    let allowed = 0;
    for (let i = 0; i < 400; i++) {
      t += 1;
      if ((await processes[i % 2]!.check('api_key:k')).allowed) allowed++;
      await settle();
    }
    // Each process may be unaware of at most maxPending (plus one in flight) of the other's hits.
    expect(allowed).toBeGreaterThanOrEqual(100);
    expect(allowed).toBeLessThanOrEqual(100 + 2 * options.maxPending);
  });

  it('starts each window from the shared counts and sends the last window’s unsent hits', async () => {
    const shared = sharedStore();
    const store = new BatchingRateLimitStore(shared.store, {
      flushMs: 60_000,
      maxPending: 1000,
      now: () => 0,
    });
    for (let i = 0; i < 5; i++) await store.hit('k', 0, WINDOW);
    const next = await store.hit('k', WINDOW, WINDOW);
    // The four unsent hits reached the shared store before the new window was asked for.
    expect(shared.calls).toEqual([1, 4, 1]);
    expect(next).toEqual({ current: 1, previous: 5 });
  });

  it('keeps hits it could not send and sends them with the next batch', async () => {
    let t = 0;
    const shared = sharedStore();
    const store = new BatchingRateLimitStore(shared.store, { flushMs: 10, maxPending: 1000, now: () => t });
    await store.hit('k', 0, WINDOW);
    shared.fail(true);
    for (let i = 0; i < 3; i++) await store.hit('k', 0, WINDOW);
    t = 20;
    await store.hit('k', 0, WINDOW);
    await settle();
    shared.fail(false);
    t = 40;
    const counts = await store.hit('k', 0, WINDOW);
    await settle();
    expect(counts.current).toBe(6);
    expect(await shared.total('k', 0)).toBe(6);
  });

  it('keeps an accurate count when several first hits of a window arrive at once', async () => {
    // Answers come back in the reverse order of the calls, the first (lowest) count last.
    const inner = new MemoryRateLimitStore();
    let calls = 0;
    const reversing: RateLimitStore = {
      async hit(key, windowStart, windowMs, count = 1) {
        const counts = await inner.hit(key, windowStart, windowMs, count);
        await new Promise((r) => setTimeout(r, Math.max(0, 10 - 2 * calls++)));
        return counts;
      },
    };
    const store = new BatchingRateLimitStore(reversing, {
      flushMs: 60_000,
      maxPending: 1000,
      now: () => 0,
    });
    const first = await Promise.all(Array.from({ length: 5 }, () => store.hit('k', 0, WINDOW)));
    expect(first.map((c) => c.current).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await store.hit('k', 0, WINDOW)).current).toBe(6);
  });
});
