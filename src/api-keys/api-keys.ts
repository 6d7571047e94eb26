import { and, desc, eq, isNull } from 'drizzle-orm';
import { base64url } from 'jose';
import { sha256Hex } from '../crypto/sha256';
import type { Database } from '../db/client';
import { apiKeys, environments } from '../db/schema/index';

const KEY_PATTERN = /^dgw_([a-z0-9]{12})_([A-Za-z0-9_-]{32,64})$/;

/** A key row as listed to operators: never the key or its hash. */
export interface ApiKeySummary {
  id: string;
  environmentId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Generates a key `dgw_<prefix>_<secret>`; the secret has 256 bits of entropy. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomToken(8, 'abcdefghijklmnopqrstuvwxyz0123456789').slice(0, 12);
  const secretBytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = base64url.encode(secretBytes);
  return { key: `dgw_${prefix}_${secret}`, prefix };
}

/** SHA-256 of the whole key, hex. Keys are random and long, so a fast hash is enough (no password stretching). */
export async function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** Extracts the lookup prefix, or null when the string is not shaped like one of our keys. */
export function parseApiKey(key: string): { prefix: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1]! } : null;
}

/** Creates an environment (idempotent on id). */
export async function ensureEnvironment(db: Database, id: string, name: string): Promise<void> {
  await db.insert(environments).values({ id, name }).onConflictDoNothing();
}

/** Creates a key for an environment; returns the plaintext key, which is never stored. */
export async function createApiKey(
  db: Database,
  input: { environmentId: string; name: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const { key, prefix } = generateApiKey();
  const id = `key_${crypto.randomUUID().replaceAll('-', '')}`;
  await db.insert(apiKeys).values({
    id,
    environmentId: input.environmentId,
    name: input.name,
    prefix,
    hash: await hashApiKey(key),
  });
  return { id, key, prefix };
}

/** Lists keys (all environments, or one), newest first. */
export async function listApiKeys(db: Database, environmentId?: string): Promise<ApiKeySummary[]> {
  const rows = await db
    .select({
      id: apiKeys.id,
      environmentId: apiKeys.environmentId,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(environmentId ? eq(apiKeys.environmentId, environmentId) : undefined)
    .orderBy(desc(apiKeys.createdAt));
  return rows;
}

/** Revokes a key by id or prefix; returns whether an active key was revoked. */
export async function revokeApiKey(db: Database, idOrPrefix: string, now: Date): Promise<boolean> {
  return (await revokeApiKeyReturningId(db, idOrPrefix, now)) !== null;
}

/** Revokes a key by id or prefix; returns the id of the active key revoked, or null when there was none. */
export async function revokeApiKeyReturningId(
  db: Database,
  idOrPrefix: string,
  now: Date,
): Promise<string | null> {
  const column = idOrPrefix.startsWith('key_') ? apiKeys.id : apiKeys.prefix;
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(column, idOrPrefix), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows[0]?.id ?? null;
}

/** Finds the active key matching a presented key, comparing hashes in constant time. */
export async function verifyApiKey(
  db: Database,
  presented: string,
): Promise<{ id: string; environmentId: string } | null> {
  const parsed = parseApiKey(presented);
  if (!parsed) return null;
  const [row] = await db
    .select({
      id: apiKeys.id,
      environmentId: apiKeys.environmentId,
      hash: apiKeys.hash,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.prefix, parsed.prefix))
    .limit(1);
  if (!row || row.revokedAt) return null;
  const hash = await hashApiKey(presented);
  return constantTimeEqual(hash, row.hash) ? { id: row.id, environmentId: row.environmentId } : null;
}

/** Records use, for `keys list`; callers throttle it. */
export async function touchApiKey(db: Database, id: string, now: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function randomToken(bytes: number, alphabet: string): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes * 2));
  return [...values].map((v) => alphabet[v % alphabet.length]).join('');
}
