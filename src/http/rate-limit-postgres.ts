import { sql } from 'drizzle-orm';
import { bigint, integer, pgTable, text } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import type { RateLimitStore } from './rate-limit';

/**
 * One row per limited key: the current fixed window and the count of the one before it.
 * To be re-exported from src/db/schema.ts so drizzle-kit generates its migration.
 */
export const rateLimitCounters = pgTable('rate_limit_counters', {
  key: text('key').primaryKey(),
  windowStart: bigint('window_start', { mode: 'number' }).notNull(),
  count: integer('count').notNull(),
  previousCount: integer('previous_count').notNull(),
});

/** The same table as plain DDL, for databases migrated before the table joined the schema (and tests). */
export const RATE_LIMIT_COUNTERS_DDL = `create table if not exists rate_limit_counters (
  key text primary key,
  window_start bigint not null,
  count integer not null,
  previous_count integer not null
)`;

/**
 * Counters shared by every gateway process on one database: each hit is a single atomic upsert, so
 * concurrent requests on different processes never lose a count.
 */
export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly db: Database) {}

  async hit(
    key: string,
    windowStart: number,
    windowMs: number,
  ): Promise<{ current: number; previous: number }> {
    // A process whose clock lags (window_start in the row is ahead) counts into the newer window.
    const result = await this.db.execute(sql`
      insert into rate_limit_counters as c (key, window_start, count, previous_count)
      values (${key}, ${windowStart}::bigint, 1, 0)
      on conflict (key) do update set
        previous_count = case
          when c.window_start >= excluded.window_start then c.previous_count
          when c.window_start = excluded.window_start - ${windowMs}::bigint then c.count
          else 0 end,
        count = case when c.window_start >= excluded.window_start then c.count + 1 else 1 end,
        window_start = greatest(c.window_start, excluded.window_start)
      returning count, previous_count`);
    const row = firstRow<{ count: number | string; previous_count: number | string }>(result);
    if (!row) throw new Error('rate limit upsert returned no row');
    return { current: Number(row.count), previous: Number(row.previous_count) };
  }
}

// postgres.js returns an array of rows, PGlite an object with `rows`.
function firstRow<T>(result: unknown): T | undefined {
  if (Array.isArray(result)) return result[0] as T | undefined;
  return (result as { rows?: T[] }).rows?.[0];
}
