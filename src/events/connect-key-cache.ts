/**
 * The Connect HMAC keys of each connection, opened from the vault and imported for WebCrypto, kept for `ttlMs` in
 * the process: opening and importing them is most of the per-message work besides the mapping and the insert.
 * Adding or removing a key through this process forgets the connection's entry at once; another process's change
 * is seen within `ttlMs`.
 */
import type { CryptoKey } from 'jose';
import { TtlCache } from '../cache/ttl-cache';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import { openConnectKeys } from './connect-keys';
import { importConnectKey } from './connect-signature';

/** Builds the cache (2 s by default; 0 reads the keys for every message). */
export function createConnectKeyCache(
  deps: { db: Database; vault: Vault; now: () => number },
  ttlMs = 2_000,
) {
  const entries = new TtlCache<string, CryptoKey[]>({ maxEntries: 10_000, ttlMs, now: deps.now });
  return {
    /** The connection's keys, ready to verify with (empty when it has none). */
    async keys(integratedAccountId: string): Promise<CryptoKey[]> {
      const hit = entries.get(integratedAccountId);
      if (hit) return hit;
      const plain = await openConnectKeys(deps.db, deps.vault, integratedAccountId);
      const keys = await Promise.all(plain.map(importConnectKey));
      entries.set(integratedAccountId, keys);
      return keys;
    },
    forget(integratedAccountId: string): void {
      entries.delete(integratedAccountId);
    },
  };
}

export type ConnectKeyCache = ReturnType<typeof createConnectKeyCache>;
