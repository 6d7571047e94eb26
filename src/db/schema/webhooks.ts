import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { events, integratedAccounts } from './connections';
import { environments } from './foundation';

/** DocuSign Connect HMAC keys of a connection (several during rotation), vault-sealed. */
export const connectHmacKeys = pgTable(
  'connect_hmac_keys',
  {
    id: text('id').primaryKey(),
    integratedAccountId: text('integrated_account_id')
      .notNull()
      .references(() => integratedAccounts.id, { onDelete: 'cascade' }),
    /** Vault-sealed key, AAD-bound to this row. */
    keySealed: text('key_sealed').notNull(),
    /** Last four characters, to tell keys apart in listings. */
    hint: text('hint').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('connect_hmac_keys_account_idx').on(t.integratedAccountId)],
);

/** Where to send which events; the signing secret is vault-sealed and shown once. */
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: text('id').primaryKey(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types to send; empty = all. */
    eventTypes: jsonb('event_types').$type<string[]>().notNull().default([]),
    /** Connections whose events to send; empty = all of the environment. */
    integratedAccountIds: jsonb('integrated_account_ids').$type<string[]>().notNull().default([]),
    secretSealed: text('secret_sealed').notNull(),
    /** After a rotation the old secret also signs until `previous_secret_expires_at`. */
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    /** active | failing | disabled */
    status: text('status').notNull().default('active'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('webhook_subscriptions_environment_idx').on(t.environmentId)],
);

/** The outbox: one row per (subscription, event), claimed by leases taken with SKIP LOCKED. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    subscriptionId: text('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** Copied from the event: deliveries of one stream go out in `event_seq` order. */
    streamKey: text('stream_key').notNull(),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    /** pending | delivered | failed (gave up at `deadline_at`) */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    leaseHolder: text('lease_holder'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_subscription_event_idx').on(t.subscriptionId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_stream_idx').on(t.subscriptionId, t.streamKey, t.eventSeq),
  ],
);

/** One row per HTTP attempt of a delivery: the log `GET /webhook-subscriptions/{id}/deliveries` shows. */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** HTTP status, or null when no response came (network error, timeout). */
    responseStatus: integer('response_status'),
    error: text('error'),
  },
  (t) => [index('webhook_delivery_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);

/** Envelope status polling per DocuSign account: the `from_date` checkpoint and a lease (one poller at a time). */
export const envelopePollState = pgTable(
  'envelope_poll_state',
  {
    integratedAccountId: text('integrated_account_id')
      .notNull()
      .references(() => integratedAccounts.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    /** Changes at or after this time are still to be read (null until the first poll sets it). */
    checkpoint: timestamp('checkpoint', { withTimezone: true }),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    leaseHolder: text('lease_holder'),
    lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.integratedAccountId, t.accountId] })],
);
