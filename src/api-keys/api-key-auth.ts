import { createMiddleware } from 'hono/factory';
import { TtlCache } from '../cache/ttl-cache';
import type { Database } from '../db/client';
import type { GatewayEnv } from '../http/context';
import { ApiError } from '../http/errors';
import { touchApiKey, verifyApiKey } from './api-keys';

export interface ApiKeyAuthOptions {
  db: Database;
  now: () => number;
}

interface VerifiedKey {
  id: string;
  environmentId: string;
}

/** The cache of verified keys, shared by the middleware and whoever revokes keys in this process. */
export class VerifiedKeyCache {
  private readonly entries: TtlCache<string, VerifiedKey>;
  // Last `last_used_at` write per key id; an entry older than a minute is as good as none.
  private readonly touched: TtlCache<string, true>;

  /** `ttlMs`: how long a verified key is trusted without asking the database (revocation delay across processes). */
  constructor(options: { ttlMs?: number; now?: () => number; maxEntries?: number } = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    this.entries = new TtlCache({ maxEntries, ttlMs: options.ttlMs ?? 5_000, now: options.now });
    this.touched = new TtlCache({ maxEntries, ttlMs: 60_000, now: options.now });
  }

  get(key: string): VerifiedKey | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: VerifiedKey): void {
    this.entries.set(key, value);
  }

  /** Forgets every cached key with this id (after a revoke in this process). */
  forgetId(id: string): void {
    this.entries.deleteWhere((value) => value.id === id);
  }

  /** True at most once a minute per key, to throttle `last_used_at` writes. */
  shouldTouch(id: string): boolean {
    if (this.touched.get(id)) return false;
    this.touched.set(id, true);
    return true;
  }
}

/** Requires `Authorization: Bearer <api key>`; sets `auth` on the context. */
export function apiKeyAuth(options: ApiKeyAuthOptions, cache: VerifiedKeyCache) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (!header)
      throw new ApiError(
        'unauthorized',
        'Missing Authorization header; send "Authorization: Bearer <api key>"',
      );
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError('unauthorized', 'Authorization header must be "Bearer <api key>"');
    const presented = match[1]!;
    const now = options.now();
    let identity: VerifiedKey | null | undefined = cache.get(presented);
    if (!identity) {
      identity = await verifyApiKey(options.db, presented);
      if (!identity) throw new ApiError('unauthorized', 'Invalid or revoked API key');
      cache.set(presented, identity);
    }
    if (cache.shouldTouch(identity.id)) await touchApiKey(options.db, identity.id, new Date(now));
    c.set('auth', { environmentId: identity.environmentId, apiKeyId: identity.id });
    await next();
  });
}
