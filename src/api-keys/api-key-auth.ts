import { createMiddleware } from 'hono/factory';
import type { Database } from '../db/client';
import type { GatewayEnv } from '../http/context';
import { ApiError } from '../http/errors';
import { touchApiKey, verifyApiKey } from './api-keys';

export interface ApiKeyAuthOptions {
  db: Database;
  now: () => number;
  /** How long a verified key is trusted without asking the database again (revocation delay across processes). */
  cacheTtlMs?: number;
}

/** The cache of verified keys, shared by the middleware and whoever revokes keys in this process. */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, { id: string; environmentId: string; until: number }>();
  private readonly touched = new Map<string, number>();

  get(key: string, now: number) {
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit;
    if (hit) this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: { id: string; environmentId: string }, until: number): void {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { ...value, until });
  }

  /** Forgets every cached key with this id (after a revoke in this process). */
  forgetId(id: string): void {
    for (const [key, value] of this.entries) if (value.id === id) this.entries.delete(key);
  }

  /** True at most once a minute per key, to throttle `last_used_at` writes. */
  shouldTouch(id: string, now: number): boolean {
    const last = this.touched.get(id) ?? 0;
    if (now - last < 60_000) return false;
    this.touched.set(id, now);
    return true;
  }
}

/** Requires `Authorization: Bearer <api key>`; sets `auth` on the context. */
export function apiKeyAuth(options: ApiKeyAuthOptions, cache: VerifiedKeyCache) {
  const ttl = options.cacheTtlMs ?? 5_000;
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
    let identity: { id: string; environmentId: string } | null | undefined = cache.get(presented, now);
    if (!identity) {
      identity = await verifyApiKey(options.db, presented);
      if (!identity) throw new ApiError('unauthorized', 'Invalid or revoked API key');
      cache.set(presented, identity, now + ttl);
    }
    if (cache.shouldTouch(identity.id, now)) await touchApiKey(options.db, identity.id, new Date(now));
    c.set('auth', { environmentId: identity.environmentId, apiKeyId: identity.id });
    await next();
  });
}
