import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Responses of unified writes sent with an `Idempotency-Key`, replayed for a repeat of the same request. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    environmentId: text('environment_id').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of method, path, query and body: the same key with another request is a 409. */
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still running. */
    status: integer('status'),
    body: jsonb('body').$type<unknown>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.key] })],
);
