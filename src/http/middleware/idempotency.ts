import { and, eq, lt } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { sha256Hex } from '../../crypto/sha256';
import type { Database } from '../../db/client';
import { idempotencyKeys } from '../../db/schema/index';
import type { GatewayEnv } from '../context';
import { ApiError } from '../errors';

/** What an `Idempotency-Key` may be: 1-255 ASCII letters, digits, `.`, `_`, `:` or `-` (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;
/** The header's description in the API reference, from what this middleware does. */
export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Makes a write safe to retry: 1-255 ASCII letters, digits, `.`, `_`, `:` or `-` (a UUID fits; anything else is a 400). ' +
  'The first response (2xx or 4xx other than 409/429) is kept for 24 hours per environment and replayed, with ' +
  '`idempotent-replayed: true`, for a repeat of the same method, URL and body. The same key with a different request, ' +
  'or while the first is still running, is a 409 `conflict`. 5xx, 409 and 429 answers are not kept, so retry them ' +
  'with the same key.';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * `Idempotency-Key` on unified writes (DESIGN.md §3): the first response is stored and replayed for a repeat of the
 * same request; the same key with a different request, or while the first is still running, is a 409. Server errors,
 * 409 and 429 are not stored, so the client may retry them. Keys expire after 24 hours.
 */
export function idempotency(db: Database, now: () => number) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (!key || !WRITE_METHODS.has(c.req.method)) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ApiError('invalid_request', 'Idempotency-Key must be 1-255 letters, digits, or . _ : -');
    }
    const environmentId = c.get('auth').environmentId;
    const body = await c.req.raw.clone().text();
    const requestHash = await sha256Hex(`${c.req.method}\n${c.req.url}\n${body}`);
    await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now() - RETENTION_MS)));
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ environmentId, key, requestHash, createdAt: new Date(now()) })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length === 0) {
      const [existing] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.environmentId, environmentId), eq(idempotencyKeys.key, key)))
        .limit(1);
      if (existing && existing.requestHash !== requestHash) {
        throw new ApiError('conflict', 'This Idempotency-Key was used for a different request');
      }
      if (!existing || existing.status === null) {
        throw new ApiError(
          'conflict',
          'A request with this Idempotency-Key is still in progress; retry later',
        );
      }
      c.header('idempotent-replayed', 'true');
      return c.json(existing.body as Record<string, unknown>, existing.status as 200);
    }
    const where = and(eq(idempotencyKeys.environmentId, environmentId), eq(idempotencyKeys.key, key));
    try {
      await next();
    } catch (error) {
      await db.delete(idempotencyKeys).where(where);
      throw error;
    }
    const status = c.res.status;
    const retryable = status >= 500 || status === 409 || status === 429;
    if (retryable || !c.res.headers.get('content-type')?.includes('application/json')) {
      await db.delete(idempotencyKeys).where(where);
      return;
    }
    const stored = await c.res.clone().json();
    await db.update(idempotencyKeys).set({ status, body: stored }).where(where);
  });
}
