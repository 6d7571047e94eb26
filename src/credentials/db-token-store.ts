import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { events, integratedAccounts } from '../db/schema/index';
import type { IntegratedAccountStatus, TokenEvent, TokenRow, TokenRowPatch, TokenStore } from './token-store';

type AccountRow = typeof integratedAccounts.$inferSelect;

/** The token manager's storage on the `integrated_accounts` table (PGlite or PostgreSQL). */
export function createDbTokenStore(db: Database, options: { newId?: () => string } = {}): TokenStore {
  const newId = options.newId ?? (() => `evt_${crypto.randomUUID().replaceAll('-', '')}`);
  return {
    async read(id) {
      const [row] = await db.select().from(integratedAccounts).where(eq(integratedAccounts.id, id)).limit(1);
      return row ? toTokenRow(row) : null;
    },

    async withLock(id, fn) {
      // Writes are collected and applied inside the same transaction after `fn`, whether it resolved or threw,
      // so a failed refresh is recorded before the error propagates.
      let failure: { error: unknown } | null = null;
      const result = await db.transaction(async (tx) => {
        const [row] = await tx
          .select()
          .from(integratedAccounts)
          .where(eq(integratedAccounts.id, id))
          .for('update')
          .limit(1);
        if (!row) return null;
        let patch: TokenRowPatch = {};
        const pendingEvents: TokenEvent[] = [];
        let value: Awaited<ReturnType<typeof fn>> | null = null;
        try {
          value = await fn({
            row: toTokenRow(row),
            update: async (next) => {
              patch = { ...patch, ...next };
            },
            addEvent: async (event) => {
              pendingEvents.push(event);
            },
          });
        } catch (error) {
          failure = { error };
        }
        if (Object.keys(patch).length > 0) {
          await tx.update(integratedAccounts).set(toColumns(patch)).where(eq(integratedAccounts.id, id));
        }
        for (const event of pendingEvents) {
          await tx.insert(events).values({
            id: newId(),
            environmentId: row.environmentId,
            type: event.type,
            integratedAccountId: event.integratedAccountId,
            payload: event.payload,
          });
        }
        return value;
      });
      if (failure) throw (failure as { error: unknown }).error;
      return result;
    },
  };
}

function toTokenRow(row: AccountRow): TokenRow {
  return {
    id: row.id,
    status: row.status as IntegratedAccountStatus,
    grantType: row.authType === 'jwt' ? 'jwt' : 'authorization_code',
    accessTokenSealed: row.accessTokenSealed,
    refreshTokenSealed: row.refreshTokenSealed,
    expiresAt: row.accessTokenExpiresAt ? row.accessTokenExpiresAt.getTime() : null,
    scopes: row.grantedScopes,
    docusignUserId: row.docusignUserId,
    refreshFailures: row.refreshFailures,
    refreshRetryAt: row.refreshRetryAt ? row.refreshRetryAt.getTime() : null,
    lastError: row.lastError,
  };
}

function toColumns(patch: TokenRowPatch): Partial<typeof integratedAccounts.$inferInsert> {
  const columns: Partial<typeof integratedAccounts.$inferInsert> = {
    updatedAt: sql`now()` as unknown as Date,
  };
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.accessTokenSealed !== undefined) columns.accessTokenSealed = patch.accessTokenSealed;
  if (patch.refreshTokenSealed !== undefined) columns.refreshTokenSealed = patch.refreshTokenSealed;
  if (patch.expiresAt !== undefined) {
    columns.accessTokenExpiresAt = patch.expiresAt === null ? null : new Date(patch.expiresAt);
    columns.lastRefreshedAt = sql`now()` as unknown as Date;
  }
  if (patch.scopes !== undefined) columns.grantedScopes = patch.scopes;
  if (patch.refreshFailures !== undefined) columns.refreshFailures = patch.refreshFailures;
  if (patch.refreshRetryAt !== undefined) {
    columns.refreshRetryAt = patch.refreshRetryAt === null ? null : new Date(patch.refreshRetryAt);
  }
  if (patch.lastError !== undefined) columns.lastError = patch.lastError;
  return columns;
}
