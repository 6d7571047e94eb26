/** DocuSign-style API limits: an hourly quota per account and a burst quota per user (fixed windows). */

export interface RateLimitOptions {
  hourly?: number;
  burst?: number;
  burstWindowSeconds?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  kind?: 'hourly' | 'burst';
  headers: Record<string, string>;
}

/** Counts calls and produces the `X-RateLimit-*` / `X-BurstLimit-*` headers. */
export class RateLimiter {
  hourly: number;
  burst: number;
  burstWindowMs: number;
  private readonly hourlyCounts = new Map<string, { window: number; used: number }>();
  private readonly burstCounts = new Map<string, { window: number; used: number }>();

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.hourly = options.hourly ?? 3000;
    this.burst = options.burst ?? 500;
    this.burstWindowMs = (options.burstWindowSeconds ?? 30) * 1000;
  }

  /** Records one call for (account, user) unless a limit is exhausted. */
  hit(accountId: string, userId: string): RateLimitDecision {
    const t = this.now();
    const hourWindow = Math.floor(t / 3_600_000);
    const burstWindow = Math.floor(t / this.burstWindowMs);
    const h = this.counter(this.hourlyCounts, accountId, hourWindow);
    const b = this.counter(this.burstCounts, `${accountId}:${userId}`, burstWindow);
    let kind: RateLimitDecision['kind'];
    if (h.used >= this.hourly) kind = 'hourly';
    else if (b.used >= this.burst) kind = 'burst';
    else {
      h.used++;
      b.used++;
    }
    return {
      allowed: kind === undefined,
      kind,
      headers: {
        'X-RateLimit-Limit': String(this.hourly),
        'X-RateLimit-Remaining': String(Math.max(0, this.hourly - h.used)),
        'X-RateLimit-Reset': String((hourWindow + 1) * 3600),
        'X-BurstLimit-Limit': String(this.burst),
        'X-BurstLimit-Remaining': String(Math.max(0, this.burst - b.used)),
      },
    };
  }

  /** Changes the limits (the control API); counts already made stay. */
  configure(options: RateLimitOptions): void {
    if (options.hourly !== undefined) this.hourly = options.hourly;
    if (options.burst !== undefined) this.burst = options.burst;
    if (options.burstWindowSeconds !== undefined) this.burstWindowMs = options.burstWindowSeconds * 1000;
  }

  /** Forgets every count (a state reset). */
  reset(): void {
    this.hourlyCounts.clear();
    this.burstCounts.clear();
  }

  private counter(map: Map<string, { window: number; used: number }>, key: string, window: number) {
    let c = map.get(key);
    if (!c || c.window !== window) {
      c = { window, used: 0 };
      map.set(key, c);
    }
    return c;
  }
}
