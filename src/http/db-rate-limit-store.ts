import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rateLimitCounters } from '../db/schema/index';
import type { RateLimitStore } from './rate-limit';

/**
 * Rate-limit counters in PostgreSQL, shared by every gateway process: one atomic upsert per request.
 * (rate-limiter-flexible's Postgres store needs the `pg` driver; we run on postgres.js and PGlite, so this is ours.)
 */
export class DbRateLimitStore implements RateLimitStore {
  private lastSweep = 0;

  constructor(private readonly db: Database) {}

  async hit(key: string, windowStart: number, windowMs: number) {
    const [row] = await this.db
      .insert(rateLimitCounters)
      .values({ key, windowStart, count: 1 })
      .onConflictDoUpdate({
        target: [rateLimitCounters.key, rateLimitCounters.windowStart],
        set: { count: sql`${rateLimitCounters.count} + 1` },
      })
      .returning({ count: rateLimitCounters.count });
    const [previous] = await this.db
      .select({ count: rateLimitCounters.count })
      .from(rateLimitCounters)
      .where(and(eq(rateLimitCounters.key, key), eq(rateLimitCounters.windowStart, windowStart - windowMs)))
      .limit(1);
    await this.sweep(windowStart, windowMs);
    return { current: row!.count, previous: previous?.count ?? 0 };
  }

  /** Drops windows that can no longer count, at most once per window. */
  private async sweep(windowStart: number, windowMs: number): Promise<void> {
    if (windowStart === this.lastSweep) return;
    this.lastSweep = windowStart;
    await this.db.delete(rateLimitCounters).where(lt(rateLimitCounters.windowStart, windowStart - windowMs));
  }
}
