import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client';
import { rowsOf } from '../../../src/db/rows';
import { ApiError } from '../../../src/http/errors';
import { createRateLimiter } from '../../../src/http/rate-limit';
import { BatchingRateLimitStore } from '../../../src/http/rate-limit-batching';
import { PostgresRateLimitStore } from '../../../src/http/rate-limit-postgres';
import { createTestDatabase } from '../../helpers/database';

describe('PostgresRateLimitStore', () => {
  let handle: DatabaseHandle;
  let second: DatabaseHandle | undefined;

  beforeAll(async () => {
    const created = await createTestDatabase();
    handle = created;
    // With a real server, a second connection pool stands in for a second gateway process.
    if (created.url) {
      const { openDatabase } = await import('../../../src/db/open');
      second = await openDatabase({ url: created.url, maxConnections: 10 });
    }
  });

  afterAll(async () => {
    await second?.close();
    await handle.close();
  });

  it('counts hits per key and window, carrying the last window over as "previous"', async () => {
    const store = new PostgresRateLimitStore(handle.db);
    expect(await store.hit('k1', 10_000, 10_000)).toEqual({ current: 1, previous: 0 });
    expect(await store.hit('k1', 10_000, 10_000)).toEqual({ current: 2, previous: 0 });
    expect(await store.hit('k2', 10_000, 10_000)).toEqual({ current: 1, previous: 0 });
    expect(await store.hit('k1', 20_000, 10_000)).toEqual({ current: 1, previous: 2 });
    // A gap of more than one window forgets the old count.
    expect(await store.hit('k1', 50_000, 10_000)).toEqual({ current: 1, previous: 0 });
  });

  it('prunes windows that no longer count', async () => {
    const store = new PostgresRateLimitStore(handle.db, { pruneEvery: 2 });
    await store.hit('p', 100_000, 10_000);
    await store.hit('p', 110_000, 10_000);
    await store.hit('p', 130_000, 10_000); // third hit: no prune yet
    await store.hit('p', 130_000, 10_000); // fourth hit prunes windows before 120 000
    const rows = await handle.db.execute(
      sql`select window_start from rate_limit_counters where key = 'p' order by window_start`,
    );
    const starts = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).map((r) =>
      Number((r as { window_start: string | number }).window_start),
    );
    expect(starts).toEqual([130_000]);
  });

  it('never loses a count under concurrent hits from two pools sharing the table', async () => {
    const stores = [new PostgresRateLimitStore(handle.db), new PostgresRateLimitStore((second ?? handle).db)];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => stores[i % 2]!.hit('shared', 1_000_000, 10_000)),
    );
    const counts = results.map((r) => r.current).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('drives the limiter: the limit is shared by all processes', async () => {
    const t = 5_000_000;
    const a = createRateLimiter({
      store: new PostgresRateLimitStore(handle.db),
      limit: 3,
      windowMs: 10_000,
      now: () => t,
    });
    const b = createRateLimiter({
      store: new PostgresRateLimitStore((second ?? handle).db),
      limit: 3,
      windowMs: 10_000,
      now: () => t,
    });
    await a.enforce('api_key:x');
    await b.enforce('api_key:x');
    await a.enforce('api_key:x');
    const err = await b.enforce('api_key:x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('rate_limited');
  });

  it('behind the batching store, still shares one limit across processes, within the batching slack', async () => {
    let t = 7_000_000;
    const maxPending = 5;
    const limiters = [handle, second ?? handle].map((h) =>
      createRateLimiter({
        store: new BatchingRateLimitStore(new PostgresRateLimitStore(h.db), {
          flushMs: 50,
          maxPending,
          now: () => t,
        }),
        limit: 40,
        windowMs: 10_000,
        now: () => t,
      }),
    );
    let allowed = 0;
    for (let i = 0; i < 120; i++) {
      t += 1;
      if ((await limiters[i % 2]!.check('api_key:batched')).allowed) allowed++;
      // Let the batches reach the database, as time between requests would.
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(allowed).toBeGreaterThanOrEqual(40);
    expect(allowed).toBeLessThanOrEqual(40 + 2 * maxPending);
    // Every served hit reached the database, in batches (refused ones are taken back), but for at most
    // maxPending per process still waiting.
    await new Promise((r) => setTimeout(r, 20));
    const result = await handle.db.execute(
      sql`select count from rate_limit_counters where key = 'api_key:batched' and window_start = 7000000`,
    );
    const stored = Number(rowsOf<{ count: number | string }>(result)[0]?.count);
    expect(Math.abs(stored - allowed)).toBeLessThanOrEqual(2 * maxPending);
  });
});
