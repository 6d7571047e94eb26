import { eq } from 'drizzle-orm';
import { TtlCache } from '../cache/ttl-cache';
import type { Database } from '../db/client';
import { integratedAccounts } from '../db/schema/index';
import { getIntegratedAccount, type IntegratedAccountRow } from './integrated-accounts';

/**
 * Connection rows for the hot path (proxy and unified calls, DocuSign Connect in), kept for `ttlMs` in the process: on embedded PGlite
 * the row query is most of the gateway's own CPU per proxied call. Writes through this process forget the row at
 * once; another process's changes (permission, scope) are seen within `ttlMs`. Token state is never read from
 * here: the token manager reads the store itself.
 */
export function createAccountCache(db: Database, now: () => number, ttlMs = 2_000) {
  const rows = new TtlCache<string, IntegratedAccountRow>({ maxEntries: 10_000, ttlMs, now });
  return {
    async get(environmentId: string, id: string): Promise<IntegratedAccountRow> {
      const hit = rows.get(id);
      if (hit && hit.environmentId === environmentId) return hit;
      const row = await getIntegratedAccount(db, environmentId, id);
      rows.set(id, row);
      return row;
    },
    /** The row of any environment (for callers that know only the id, e.g. DocuSign Connect), or null. */
    async byId(id: string): Promise<IntegratedAccountRow | null> {
      const hit = rows.get(id);
      if (hit) return hit;
      const [row] = await db.select().from(integratedAccounts).where(eq(integratedAccounts.id, id)).limit(1);
      if (row) rows.set(id, row);
      return row ?? null;
    },
    forget(id: string): void {
      rows.delete(id);
    },
  };
}

export type AccountCache = ReturnType<typeof createAccountCache>;
