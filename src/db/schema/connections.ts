import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { environments } from './foundation';

/** A DocuSign account discovered through `/oauth/userinfo`. */
export interface DiscoveredAccount {
  id: string;
  name: string;
  base_uri: string;
  is_default: boolean;
  organization_id: string | null;
}

/** A DocuSign Connect configuration the gateway registered on one account of the connection. */
export interface RegisteredConnectConfiguration {
  account_id: string;
  connect_id: string;
}

/**
 * A connection's own pacing of its DocuSign accounts' calls (their DocuSign limits were raised); a field left out
 * keeps the gateway's setting (DOCUSIGN_REQUESTS_PER_SECOND, DOCUSIGN_BURST, DOCUSIGN_MAX_IN_FLIGHT).
 */
export interface ConnectionPacing {
  requests_per_second?: number;
  burst?: number;
  max_in_flight?: number;
}

/** A connection of one environment to DocuSign. Credentials are vault-sealed, never plaintext. */
export const integratedAccounts = pgTable(
  'integrated_accounts',
  {
    id: text('id').primaryKey(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull().default('docusign'),
    /** connecting | active | needs_reauth | validation_error */
    status: text('status').notNull(),
    /** read | read_write */
    permission: text('permission').notNull(),
    /** authorization_code | jwt */
    authType: text('auth_type').notNull(),
    /** demo | production | custom (the built-in sandbox or a test simulator) */
    docusignEnvironment: text('docusign_environment').notNull(),
    oauthBase: text('oauth_base').notNull(),
    adminBase: text('admin_base').notNull(),
    clientId: text('client_id').notNull(),
    /** One DocuSign API account id, or null with `allAccounts` true. */
    scopeAccountId: text('scope_account_id'),
    allAccounts: boolean('all_accounts').notNull().default(false),
    docusignUserId: text('docusign_user_id'),
    accounts: jsonb('accounts').$type<DiscoveredAccount[]>().notNull().default([]),
    organizationId: text('organization_id'),
    grantedScopes: jsonb('granted_scopes').$type<string[]>().notNull().default([]),
    /** Vault-sealed (AAD-bound to this row and column); never returned by the API. */
    accessTokenSealed: text('access_token_sealed'),
    refreshTokenSealed: text('refresh_token_sealed'),
    /** The connection's own client secret or RSA private key (JWT grant), vault-sealed; null = gateway default app. */
    clientSecretSealed: text('client_secret_sealed'),
    privateKeySealed: text('private_key_sealed'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    lastRefreshedAt: timestamp('last_refreshed_at', { withTimezone: true }),
    /** Failed refreshes in a row and when the next attempt may happen (cooldown). */
    refreshFailures: integer('refresh_failures').notNull().default(0),
    refreshRetryAt: timestamp('refresh_retry_at', { withTimezone: true }),
    lastError: text('last_error'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** Null: the gateway's pacing. */
    pacing: jsonb('pacing').$type<ConnectionPacing>(),
    /** How DocuSign changes reach the gateway: `connect` (configuration registered) or `polling`, and why. */
    eventsMode: text('events_mode').notNull().default('polling'),
    eventsReason: text('events_reason'),
    /** The Connect configurations the gateway registered (removed again when the connection is deleted). */
    connectConfigurations: jsonb('connect_configurations')
      .$type<RegisteredConnectConfiguration[]>()
      .notNull()
      .default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index('integrated_accounts_environment_idx').on(t.environmentId),
    index('integrated_accounts_expiry_idx').on(t.status, t.accessTokenExpiresAt),
  ],
);

/** Short-lived, single-use links to the hosted connect page. Only a hash of the token is stored. */
export const linkTokens = pgTable('link_tokens', {
  id: text('id').primaryKey(),
  environmentId: text('environment_id')
    .notNull()
    .references(() => environments.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  returnUrl: text('return_url'),
  /** Set when the link re-authorizes an existing connection. */
  integratedAccountId: text('integrated_account_id'),
  docusignEnvironment: text('docusign_environment').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
});

/**
 * Domain events (`integrated_account.*`, `signing_request.*`, `participant.*`): appended by whoever observes the
 * change (token manager, connections, DocuSign Connect, the status poller) and fanned out to webhook subscriptions
 * by the outbox (src/webhooks). `payload` is the event's `data`, fixed at insert so every delivery sends the same body.
 */
export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    environmentId: text('environment_id').notNull(),
    type: text('type').notNull(),
    integratedAccountId: text('integrated_account_id'),
    /** The DocuSign account the event is about (null for connection events). */
    accountId: text('account_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** Same change seen twice (Connect retry, Connect and polling) → same key → stored once. */
    dedupKey: text('dedup_key').unique(),
    /** Events with the same stream key are delivered in `seq` order (one signing request, one connection). */
    streamKey: text('stream_key'),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /** When the change happened at DocuSign (null: when it was recorded). */
    occurredAt: timestamp('occurred_at', { withTimezone: true }),
    /** Set once the outbox has created this event's deliveries. */
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index('events_environment_created_idx').on(t.environmentId, t.createdAt),
    index('events_undispatched_idx').on(t.seq).where(sql`dispatched_at is null`),
  ],
);
