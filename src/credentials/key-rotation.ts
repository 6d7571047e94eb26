import { and, asc, eq, gt, isNotNull, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import { integratedAccounts } from '../db/schema/index';
import { sealedAad } from './aad';
import type { Vault } from './vault';

/**
 * Key rotation for credentials at rest: after a new key is put first in `ENCRYPTION_KEYS` (the old one kept
 * after it), this re-encrypts every sealed column of `integrated_accounts` under the new key. Then the old
 * key can be removed. Each row is rewritten in its own transaction under `SELECT … FOR UPDATE`, so a token
 * refresh running at the same time is never overwritten with stale values.
 */

/** The sealed columns and the AAD each one is bound with. */
const SEALED_COLUMNS = [
  {
    key: 'accessTokenSealed',
    column: integratedAccounts.accessTokenSealed,
    aad: (id: string) => sealedAad(id, 'access_token'),
  },
  {
    key: 'refreshTokenSealed',
    column: integratedAccounts.refreshTokenSealed,
    aad: (id: string) => sealedAad(id, 'refresh_token'),
  },
  {
    key: 'clientSecretSealed',
    column: integratedAccounts.clientSecretSealed,
    aad: (id: string) => sealedAad(id, 'client_secret'),
  },
  {
    key: 'privateKeySealed',
    column: integratedAccounts.privateKeySealed,
    aad: (id: string) => sealedAad(id, 'private_key'),
  },
] as const;

type SealedKey = (typeof SEALED_COLUMNS)[number]['key'];

export interface ResealResult {
  /** Rows that held at least one secret under an older key. */
  rows: number;
  /** Secrets re-encrypted. */
  secrets: number;
}

/** Re-encrypts every integrated account credential not sealed under the vault's current key. */
export async function resealIntegratedAccounts(
  db: Database,
  vault: Vault,
  options: { batchSize?: number } = {},
): Promise<ResealResult> {
  const batchSize = options.batchSize ?? 100;
  const currentPrefix = `v1.${vault.currentKid}.`;
  const stale = (column: PgColumn): SQL =>
    and(isNotNull(column), sql`left(${column}, ${currentPrefix.length}) <> ${currentPrefix}`)!;
  const result: ResealResult = { rows: 0, secrets: 0 };
  let after = '';
  for (;;) {
    const batch = await db
      .select({ id: integratedAccounts.id })
      .from(integratedAccounts)
      .where(and(gt(integratedAccounts.id, after), or(...SEALED_COLUMNS.map(({ column }) => stale(column)))))
      .orderBy(asc(integratedAccounts.id))
      .limit(batchSize);
    for (const { id } of batch) {
      const resealed = await resealRow(db, vault, id);
      if (resealed > 0) {
        result.rows++;
        result.secrets += resealed;
      }
    }
    if (batch.length < batchSize) return result;
    after = batch[batch.length - 1]!.id;
  }
}

/** Rewrites one row's stale columns under its row lock; returns how many secrets were re-encrypted. */
async function resealRow(db: Database, vault: Vault, id: string): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        accessTokenSealed: integratedAccounts.accessTokenSealed,
        refreshTokenSealed: integratedAccounts.refreshTokenSealed,
        clientSecretSealed: integratedAccounts.clientSecretSealed,
        privateKeySealed: integratedAccounts.privateKeySealed,
      })
      .from(integratedAccounts)
      .where(eq(integratedAccounts.id, id))
      .for('update');
    if (!row) return 0;
    const patch: Partial<Record<SealedKey, string>> = {};
    for (const { key, aad } of SEALED_COLUMNS) {
      const sealed = row[key];
      if (sealed && vault.needsRotation(sealed)) patch[key] = await vault.reseal(sealed, aad(id));
    }
    const count = Object.keys(patch).length;
    if (count > 0) await tx.update(integratedAccounts).set(patch).where(eq(integratedAccounts.id, id));
    return count;
  });
}
