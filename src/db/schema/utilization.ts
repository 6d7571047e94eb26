import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
    /** The sync job: `idle`, `running` (resumable from its checkpoint), `completed`, `stopped` (a bound), `failed`. */
    jobStatus: text('job_status').notNull().default('idle'),
    /** Days [job_from, job_to) the job aggregates. */
    jobFrom: date('job_from', { mode: 'string' }),
    jobTo: date('job_to', { mode: 'string' }),
    /** `users` (listing the account's users), `envelopes` (per user), `templates`. */
    jobPhase: text('job_phase'),
    /** Checkpoint: users before this position have their envelopes aggregated. */
    jobNextUser: integer('job_next_user').notNull().default(0),
    jobUserCount: integer('job_user_count').notNull().default(0),
    jobPages: integer('job_pages').notNull().default(0),
    jobStartedAt: timestamp('job_started_at', { withTimezone: true }),
    jobUpdatedAt: timestamp('job_updated_at', { withTimezone: true }),
    /** Why a job stopped early (`page_limit`, `time_limit`, `memory_limit`) or failed. */
    jobStopReason: text('job_stop_reason'),
  },
  (t) => [primaryKey({ columns: [t.integratedAccountId, t.accountId] })],
);

/** The account's users as the last sync listed them (what utilization rows and seat insights are about). */
export const utilizationUsers = pgTable(
  'utilization_users',
  {
    integratedAccountId: text('integrated_account_id').notNull(),
    accountId: text('account_id').notNull(),
    userId: text('user_id').notNull(),
    /** Order in DocuSign's users list; the sync job walks users by it. */
    position: integer('position').notNull(),
    name: text('name'),
    email: text('email'),
    /** DocuSign's `userStatus`. */
    status: text('status'),
    addedAt: timestamp('added_at', { withTimezone: true }),
    /** `job_started_at` of the sync that last listed the user; older rows are dropped when a listing completes. */
    listedBy: timestamp('listed_by', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.integratedAccountId, t.accountId, t.userId] }),
    index('utilization_users_position').on(t.integratedAccountId, t.accountId, t.position),
  ],
);
