import { sql } from 'drizzle-orm';
import { date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Per user and day: envelopes sent and templates created, aggregated once from DocuSign and kept. */
export const utilizationDaily = pgTable(
  'utilization_daily',
  {
    integratedAccountId: text('integrated_account_id').notNull(),
    accountId: text('account_id').notNull(),
    userId: text('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    envelopesSent: integer('envelopes_sent').notNull().default(0),
    templatesCreated: integer('templates_created').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.integratedAccountId, t.accountId, t.userId, t.day] })],
);

/** How far each DocuSign account's daily aggregates reach, so later syncs only fetch what is new. */
export const utilizationSyncState = pgTable(
  'utilization_sync_state',
  {
    integratedAccountId: text('integrated_account_id').notNull(),
    accountId: text('account_id').notNull(),
    /** Aggregates are complete for every day before this one (UTC); null until the first sync finishes. */
    syncedThrough: date('synced_through', { mode: 'string' }),
    /**
     * A sync in progress holds the account until this time (a lease taken with one conditional upsert), so
     * several processes never fetch the same days twice and no transaction stays open across DocuSign calls.
     */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    leaseHolder: text('lease_holder'),
    firstSyncedAt: timestamp('first_synced_at', { withTimezone: true }),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.integratedAccountId, t.accountId] })],
);
