import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client';
import { createRateLimiter, MemoryRateLimitStore, type RateLimitStore } from '../../../src/http/rate-limit';
import { BatchingRateLimitStore } from '../../../src/http/rate-limit-batching';
import { PostgresRateLimitStore } from '../../../src/http/rate-limit-postgres';
import { createTestDatabase } from '../../helpers/database';

// Issue 11, finding 5: Retry-After must be long enough (the sliding estimate still weighs the previous window) and
// refused requests must not count.

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const settle = () => new Promise((r) => setTimeout(r, 0));
const STORES: [string, (now: () => number) => RateLimitStore][] = [
  ['memory', () => new MemoryRateLimitStore()],
  ['PostgreSQL', () => new PostgresRateLimitStore(database.db)],
  [
    'batching over PostgreSQL',
    (now) => new BatchingRateLimitStore(new PostgresRateLimitStore(database.db), { now, flushMs: 0 }),
  ],
];

describe.each(STORES)('per-key limit on the %s store, with a fake clock', (_name, makeStore) => {
  let keySeq = 0;
  const setup = (limit: number, start: number) => {
    const clock = { t: start };
    const now = () => clock.t;
    const limiter = createRateLimiter({ store: makeStore(now), limit, windowMs: 10_000, now });
    const key = `k${++keySeq}-${Math.random()}`;
    return { clock, limiter, key };
  };

  it('is allowed again after waiting exactly the advertised Retry-After', async () => {
    // Bursts at several offsets into a window, with and without a full previous window.
    for (const [limit, offset, burst] of [
      [5, 2_000, 6],
      [10, 0, 11],
      [10, 9_500, 30],
      [3, 7_250, 3],
      [7, 4_321, 20],
    ] as const) {
      const { clock, limiter, key } = setup(limit, 50_000_000 + offset);
      for (let round = 0; round < 4; round++) {
        let refused: number | null = null;
        for (let i = 0; i < burst; i++) {
          const decision = await limiter.check(key);
          await settle();
          if (!decision.allowed) {
            refused = decision.retryAfterSeconds;
            break;
          }
        }
        if (refused === null) {
          clock.t += 1_000;
          continue;
        }
        clock.t += refused * 1000;
        const after = await limiter.check(key);
        await settle();
        expect(after.allowed, `limit ${limit}, offset ${offset}, round ${round}: waited ${refused} s`).toBe(
          true,
        );
      }
    }
  });

  it('does not count refused requests: hammering while refused neither extends the wait nor uses the quota', async () => {
    const { clock, limiter, key } = setup(5, 60_000_000);
    for (let i = 0; i < 5; i++) expect((await limiter.check(key)).allowed).toBe(true);
    await settle();
    const first = await limiter.check(key);
    expect(first.allowed).toBe(false);
    for (let i = 0; i < 50; i++) {
      const again = await limiter.check(key);
      await settle();
      expect(again.allowed).toBe(false);
      expect(again.retryAfterSeconds).toBe(first.retryAfterSeconds);
    }
    clock.t += first.retryAfterSeconds * 1000;
    expect((await limiter.check(key)).allowed).toBe(true);
    // Two windows on, the previous window holds only the 5 served requests plus the one just served.
    clock.t += 20_000;
    for (let i = 0; i < 5; i++) expect((await limiter.check(key)).allowed).toBe(true);
  });
});
