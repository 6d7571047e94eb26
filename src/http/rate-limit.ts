import { createMiddleware } from 'hono/factory';
import type { GatewayEnv } from './context';
import { ApiError } from './errors';
import { addResponseHeaders } from './response-headers';

/** Counts requests per key in fixed windows; the limiter combines two windows into a sliding estimate. */
export interface RateLimitStore {
  /**
   * Records `count` hits (default 1) for `key` in the window starting at `windowStart` (epoch ms) and returns the
   * hits in that window (these included) and in the window just before it. Must be atomic across concurrent callers.
   * A negative `count` takes hits back (the limiter returns the hit of a request it refused).
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
    // A refused request is not served, so it does not count: retrying while refused must not push the wait out.
    await options.store.hit(key, windowStart, windowMs, -1);
    const counted = current - 1;
    let seconds = Math.max(1, Math.ceil(msUntilAllowed(counted, previous, elapsed, t - windowStart) / 1000));
    // Checked with the same arithmetic as the decision, so floating-point rounding cannot advertise a refused moment.
    while (!fitsAt(t + seconds * 1000, windowStart, counted, previous)) seconds++;
    return { allowed: false, limit, remaining: 0, retryAfterSeconds: seconds };
  }

  /** Whether one more request at `at` would be allowed, if nothing else is counted meanwhile. */
  function fitsAt(at: number, windowStart: number, counted: number, previous: number): boolean {
    const start = Math.floor(at / windowMs) * windowMs;
    const elapsed = (at - start) / windowMs;
    if (start === windowStart) return previous * (1 - elapsed) + counted + 1 <= limit;
    if (start === windowStart + windowMs) return counted * (1 - elapsed) + 1 <= limit;
    return 1 <= limit;
  }

  /**
   * How long until one more request fits, if no other request comes meanwhile: the first moment t' at which
   * the sliding estimate plus that request is within the limit. `counted` hits are in the current window (the
   * refused one not among them), `previous` in the one before; the estimate at a fraction f of a window is
   * previous·(1 − f) + counted, and once the window has rolled, this window's `counted` is the one weighted.
   */
  function msUntilAllowed(counted: number, previous: number, elapsed: number, intoWindowMs: number): number {
    const room = limit - 1 - counted;
    if (room >= 0 && previous > 0) {
      // Later in this window: previous·(1 − f) ≤ room  ⇔  f ≥ 1 − room / previous.
      return Math.max(0, (1 - room / previous - elapsed) * windowMs);
    }
    // In the next window: counted·(1 − f′) + 0 + 1 ≤ limit  ⇔  f′ ≥ 1 − (limit − 1) / counted.
    const fraction = counted > 0 ? Math.max(0, 1 - (limit - 1) / counted) : 0;
    return windowMs - intoWindowMs + fraction * windowMs;
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
    } else if (windowStart < entry.windowStart) {
      // A late hit (or refund) of a window another request has already rolled past.
      if (entry.windowStart - windowStart === windowMs) entry.previous = Math.max(0, entry.previous + count);
      return { current: entry.current, previous: entry.previous };
    }
    entry.current = Math.max(0, entry.current + count);
    return { current: entry.current, previous: entry.previous };
  }

  private sweep(windowStart: number, windowMs: number): void {
    for (const [key, entry] of this.counters) {
      if (entry.windowStart < windowStart - windowMs) this.counters.delete(key);
    }
  }
}
