import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** Fixed-window request counters shared by all gateway processes (per API key, per window start). */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').notNull(),
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);
