import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rowsOf } from '../db/rows';
import type { RateLimitStore } from './rate-limit';

export interface PostgresRateLimitStoreOptions {
  /** Every this many hits (per process), delete windows older than the previous one. */
  pruneEvery?: number;
}

/**
 * Counters in `rate_limit_counters` (one row per key and fixed window), shared by every gateway process on
 * one database. Each hit is one statement: an atomic upsert of the current window that also reads the
 * previous window's count, so concurrent requests on different processes never lose a count.
 */
export class PostgresRateLimitStore implements RateLimitStore {
  private hits = 0;
  private readonly pruneEvery: number;

  constructor(
    private readonly db: Database,
    options: PostgresRateLimitStoreOptions = {},
  ) {
    this.pruneEvery = options.pruneEvery ?? 1_000;
  }

  async hit(
    key: string,
    windowStart: number,
    windowMs: number,
    count = 1,
  ): Promise<{ current: number; previous: number }> {
    const result = await this.db.execute(sql`
      with current_window as (
        insert into rate_limit_counters (key, window_start, count)
        values (${key}, ${windowStart}::bigint, ${count}::integer)
        on conflict (key, window_start) do update set count = rate_limit_counters.count + ${count}::integer
        returning count
      )
      select
        (select count from current_window) as count,
        coalesce(
          (select count from rate_limit_counters
            where key = ${key} and window_start = ${windowStart}::bigint - ${windowMs}::bigint),
          0
        ) as previous_count`);
    const row = rowsOf<{ count: number | string; previous_count: number | string }>(result)[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    if (++this.hits % this.pruneEvery === 0) await this.prune(windowStart - windowMs);
    return { current: Number(row.count), previous: Number(row.previous_count) };
  }

  /** Deletes every counter of a window that started before `before` (epoch ms); they no longer count. */
  async prune(before: number): Promise<void> {
    await this.db.execute(sql`delete from rate_limit_counters where window_start < ${before}::bigint`);
  }
}
