import { createMiddleware } from 'hono/factory';
import type { GatewayEnv } from './context';
import { ApiError } from './errors';
import { addResponseHeaders } from './response-headers';

/** Counts requests per key in fixed windows; the limiter combines two windows into a sliding estimate. */
export interface RateLimitStore {
  /**
   * Records `count` hits (default 1) for `key` in the window starting at `windowStart` (epoch ms) and returns the
   * hits in that window (these included) and in the window just before it. Must be atomic across concurrent callers.
   */
  hit(
    key: string,
    windowStart: number,
    windowMs: number,
    count?: number,
  ): Promise<{ current: number; previous: number }>;
}

export interface RateLimitOptions {
  store: RateLimitStore;
  /** Requests allowed per window (default 500). */
  limit?: number;
  /** Window length in ms (default 10 000). */
  windowMs?: number;
  now?: () => number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the sliding window after this one (0 when refused). */
  remaining: number;
  /** Seconds until a refused caller may try again (0 when allowed). */
  retryAfterSeconds: number;
}

export const DEFAULT_RATE_LIMIT = { limit: 500, windowMs: 10_000 } as const;

/**
 * Sliding-window-counter limiter: the previous fixed window's count is weighted by how much of it still
 * overlaps the sliding window, which avoids the double burst a plain fixed window allows at its edges.
 */
export function createRateLimiter(options: RateLimitOptions) {
  const limit = options.limit ?? DEFAULT_RATE_LIMIT.limit;
  const windowMs = options.windowMs ?? DEFAULT_RATE_LIMIT.windowMs;
  const now = options.now ?? (() => Date.now());

  /** Counts one request for `key` and says whether it is within the limit. */
  async function check(key: string): Promise<RateLimitDecision> {
    const t = now();
    const windowStart = Math.floor(t / windowMs) * windowMs;
    const { current, previous } = await options.store.hit(key, windowStart, windowMs);
    const elapsed = (t - windowStart) / windowMs;
    const estimate = previous * (1 - elapsed) + current;
    if (estimate <= limit) {
      return {
        allowed: true,
        limit,
        remaining: Math.max(0, Math.floor(limit - estimate)),
        retryAfterSeconds: 0,
      };
    }
    let waitMs: number;
    if (current >= limit || previous === 0) {
      waitMs = windowStart + windowMs - t;
    } else {
      // previous·(1 − f) + current ≤ limit  ⇔  f ≥ 1 − (limit − current) / previous
      const fraction = 1 - (limit - current) / previous;
      waitMs = (fraction - elapsed) * windowMs;
    }
    return { allowed: false, limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Like `check`, but throws `rate_limited` (with `retry-after`) when over the limit. */
  async function enforce(key: string): Promise<RateLimitDecision> {
    const decision = await check(key);
    if (!decision.allowed) {
      throw new ApiError(
        'rate_limited',
        `Rate limit of ${limit} requests per ${windowMs / 1000} s exceeded for this API key`,
        undefined,
        { 'retry-after': String(decision.retryAfterSeconds), ...rateLimitHeaders(decision) },
      );
    }
    return decision;
  }

  return { check, enforce, limit, windowMs };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** Hono middleware limiting each API key (set by API-key auth); put it after auth. */
export function rateLimitPerApiKey(limiter: RateLimiter) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const auth = c.get('auth');
    if (!auth) return next();
    const decision = await limiter.enforce(`api_key:${auth.apiKeyId}`);
    addResponseHeaders(c, rateLimitHeaders(decision));
    await next();
  });
}

function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return { 'ratelimit-limit': String(decision.limit), 'ratelimit-remaining': String(decision.remaining) };
}

/** Process-local store: right for one process (and tests); use the PostgreSQL store when several share a quota. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, { windowStart: number; current: number; previous: number }>();

  constructor(private readonly maxKeys = 100_000) {}

  async hit(key: string, windowStart: number, windowMs: number, count = 1) {
    let entry = this.counters.get(key);
    if (!entry) {
      if (this.counters.size >= this.maxKeys) this.sweep(windowStart, windowMs);
      entry = { windowStart, current: 0, previous: 0 };
      this.counters.set(key, entry);
    }
    if (windowStart > entry.windowStart) {
      entry.previous = windowStart - entry.windowStart === windowMs ? entry.current : 0;
      entry.current = 0;
      entry.windowStart = windowStart;
    }
    entry.current += count;
    return { current: entry.current, previous: entry.previous };
  }

  private sweep(windowStart: number, windowMs: number): void {
    for (const [key, entry] of this.counters) {
      if (entry.windowStart < windowStart - windowMs) this.counters.delete(key);
    }
  }
}
