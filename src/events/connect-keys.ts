/** The DocuSign Connect HMAC keys of a connection: added, listed and removed by the API, sealed at rest. */
import { and, asc, eq } from 'drizzle-orm';
import { connectKeyAad } from '../credentials/aad';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import { connectHmacKeys } from '../db/schema/index';
import { ApiError } from '../http/errors';

/** DocuSign allows up to 10 Connect HMAC keys per account; more here would only slow verification. */
export const MAX_CONNECT_KEYS = 10;

export interface ConnectKeyInfo {
  id: string;
  hint: string;
  created_at: string;
}

function present(row: typeof connectHmacKeys.$inferSelect): ConnectKeyInfo {
  return { id: row.id, hint: row.hint, created_at: row.createdAt.toISOString() };
}

/** The keys of a connection, oldest first (no key material). */
export async function listConnectKeys(db: Database, integratedAccountId: string): Promise<ConnectKeyInfo[]> {
  const rows = await db
    .select()
    .from(connectHmacKeys)
    .where(eq(connectHmacKeys.integratedAccountId, integratedAccountId))
    .orderBy(asc(connectHmacKeys.createdAt), asc(connectHmacKeys.id));
  return rows.map(present);
}

/** Stores one more key (sealed); DocuSign signs with every active key, so rotation is add-new then remove-old. */
export async function addConnectKey(
  deps: { db: Database; vault: Vault; now: () => number; connectKeys?: { forget(id: string): void } },
  integratedAccountId: string,
  key: string,
): Promise<ConnectKeyInfo> {
  const existing = await listConnectKeys(deps.db, integratedAccountId);
  if (existing.length >= MAX_CONNECT_KEYS) {
    throw new ApiError(
      'conflict',
      `A connection holds at most ${MAX_CONNECT_KEYS} Connect keys; remove one first`,
    );
  }
  const id = `chk_${crypto.randomUUID().replaceAll('-', '')}`;
  const [row] = await deps.db
    .insert(connectHmacKeys)
    .values({
      id,
      integratedAccountId,
      keySealed: await deps.vault.seal(key, connectKeyAad(integratedAccountId, id)),
      hint: key.slice(-4),
      createdAt: new Date(deps.now()),
    })
    .returning();
  deps.connectKeys?.forget(integratedAccountId);
  return present(row!);
}

/** Removes a key of the connection (404 when it has no such key). */
export async function removeConnectKey(
  deps: { db: Database; connectKeys?: { forget(id: string): void } },
  integratedAccountId: string,
  keyId: string,
): Promise<string> {
  const removed = await deps.db
    .delete(connectHmacKeys)
    .where(and(eq(connectHmacKeys.id, keyId), eq(connectHmacKeys.integratedAccountId, integratedAccountId)))
    .returning({ id: connectHmacKeys.id });
  if (removed.length === 0) throw new ApiError('not_found', `Connect key ${keyId} not found`);
  deps.connectKeys?.forget(integratedAccountId);
  return keyId;
}

/** The plaintext keys a Connect message may be signed with. */
export async function openConnectKeys(
  db: Database,
  vault: Vault,
  integratedAccountId: string,
): Promise<string[]> {
  const rows = await db
    .select()
    .from(connectHmacKeys)
    .where(eq(connectHmacKeys.integratedAccountId, integratedAccountId));
  return Promise.all(
    rows.map((row) => vault.open(row.keySealed, connectKeyAad(integratedAccountId, row.id))),
  );
}
