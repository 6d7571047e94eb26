import { rateLimitedError, resetAtMs } from './errors';

/** Per-DocuSign-account limits applied before a request leaves the gateway. */
export interface AccountBudgetConfig {
  /** Requests one account may have in flight at once (a streamed body counts until it ends). */
  maxConcurrent: number;
  /** Token bucket: burst size. */
  bucketCapacity: number;
  /** Token bucket: sustained requests per second. */
  refillPerSecond: number;
  /** When DocuSign's remaining quota falls to this share of its limit, spread the rest over the window. */
  lowRemainingRatio: number;
  /** Length of DocuSign's burst window, which its headers do not state. */
  burstWindowMs: number;
}

/** The limits one account's calls may carry to replace the configured ones (a connection's own pacing). */
export type BudgetLimits = Pick<AccountBudgetConfig, 'maxConcurrent' | 'bucketCapacity' | 'refillPerSecond'>;

export const DEFAULT_ACCOUNT_BUDGET: AccountBudgetConfig = {
  maxConcurrent: 8,
  bucketCapacity: 20,
  refillPerSecond: 10,
  lowRemainingRatio: 0.1,
  burstWindowMs: 30_000,
};

// Past this many tracked accounts, idle budgets are dropped so the map cannot grow without bound.
const MAX_TRACKED = 10_000;

interface Budget {
  /** The limits of the latest call for this key (the configured ones unless it carried its own). */
  limits: BudgetLimits;
  inFlight: number;
  waiters: Array<() => void>;
  tokens: number;
  refilledAt: number;
  lastStartAt: number;
  /** No request before this instant (DocuSign said the quota is exhausted until then). */
  notBefore: number;
  /** Minimum spacing between request starts while DocuSign reports a low remaining quota. */
  paceMs: number;
}

export interface BudgetClock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Concurrency limit + token bucket + header-driven pacing, one set per budget key (DocuSign account). */
export class AccountBudgets {
  private readonly budgets = new Map<string, Budget>();
  private readonly defaultLimits: BudgetLimits;

  constructor(
    private readonly config: AccountBudgetConfig,
    private readonly clock: BudgetClock,
  ) {
    this.defaultLimits = {
      maxConcurrent: config.maxConcurrent,
      bucketCapacity: config.bucketCapacity,
      refillPerSecond: config.refillPerSecond,
    };
  }

  /**
   * Waits for a slot and a token for `key`; returns the function that gives the slot back.
   * Throws `rate_limited` without waiting when the wait would exceed `maxWaitMs`.
   * `limits` replace the configured ones for this key from this call on (absent: the configured ones again).
   */
  async acquire(
    key: string,
    maxWaitMs: number,
    signal?: AbortSignal,
    limits?: Partial<BudgetLimits>,
  ): Promise<() => void> {
    const budget = this.budgetFor(key, this.resolve(limits));
    // Only wait (and pay for a promise) when the account is at its concurrency limit.
    if (budget.inFlight < budget.limits.maxConcurrent) budget.inFlight++;
    else await this.takeSlot(budget, signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      budget.inFlight--;
      if (budget.inFlight < budget.limits.maxConcurrent) budget.waiters.shift()?.();
    };
    try {
      for (;;) {
        const now = this.clock.now();
        this.refill(budget, now);
        // Whole milliseconds, and a token "almost" there counts: fractional waits can vanish in float
        // rounding against an epoch clock and would never let the loop end.
        const wait = Math.ceil(
          Math.max(
            budget.notBefore - now,
            budget.paceMs > 0 ? budget.lastStartAt + budget.paceMs - now : 0,
            budget.tokens >= 1 - 1e-6 ? 0 : ((1 - budget.tokens) * 1000) / budget.limits.refillPerSecond,
          ),
        );
        if (wait <= 0) {
          budget.tokens = Math.max(0, budget.tokens - 1);
          budget.lastStartAt = now;
          return release;
        }
        if (wait > maxWaitMs) throw rateLimitedError(wait / 1000, { budget_key_wait_ms: Math.ceil(wait) });
        await this.clock.sleep(wait, signal);
      }
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Reads DocuSign's rate-limit headers from a response and slows this account when its quota runs low. */
  observe(key: string, headers: Headers): void {
    const budget = this.budgets.get(key);
    if (!budget) return;
    const now = this.clock.now();
    const ratio = this.config.lowRemainingRatio;
    let pace = 0;

    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const limit = intHeader(headers, 'x-ratelimit-limit');
    const reset = resetAtMs(headers.get('x-ratelimit-reset'));
    if (remaining !== undefined && reset !== undefined && reset > now) {
      if (remaining <= 0) budget.notBefore = Math.max(budget.notBefore, reset);
      else if (limit !== undefined && remaining <= limit * ratio) pace = (reset - now) / remaining;
    }

    const burstRemaining = intHeader(headers, 'x-burstlimit-remaining');
    const burstLimit = intHeader(headers, 'x-burstlimit-limit');
    if (burstRemaining !== undefined && burstLimit !== undefined && burstRemaining <= burstLimit * ratio) {
      // The burst window's phase is unknown, so assume it just began: spread what is left over a whole window.
      pace = Math.max(pace, this.config.burstWindowMs / Math.max(burstRemaining, 1));
    }
    budget.paceMs = pace;
  }

  /** Holds every request of `key` until `untilMs` (DocuSign answered 429 with a wait for this account). */
  pause(key: string, untilMs: number): void {
    const budget = this.budgets.get(key);
    if (budget) budget.notBefore = Math.max(budget.notBefore, untilMs);
  }

  /** For tests and metrics: the current state of one key's budget. */
  snapshot(key: string): { inFlight: number; queued: number; paceMs: number; notBefore: number } | undefined {
    const b = this.budgets.get(key);
    return b && { inFlight: b.inFlight, queued: b.waiters.length, paceMs: b.paceMs, notBefore: b.notBefore };
  }

  private budgetFor(key: string, limits: BudgetLimits): Budget {
    let budget = this.budgets.get(key);
    if (budget) this.applyLimits(budget, limits);
    else {
      if (this.budgets.size >= MAX_TRACKED) this.evictIdle();
      budget = {
        limits,
        inFlight: 0,
        waiters: [],
        tokens: limits.bucketCapacity,
        refilledAt: this.clock.now(),
        lastStartAt: Number.NEGATIVE_INFINITY,
        notBefore: 0,
        paceMs: 0,
      };
      this.budgets.set(key, budget);
    }
    return budget;
  }

  /** The configured limits with a call's own in their place (the same object when it carries none). */
  private resolve(limits: Partial<BudgetLimits> | undefined): BudgetLimits {
    if (!limits) return this.defaultLimits;
    const d = this.defaultLimits;
    return {
      maxConcurrent: limits.maxConcurrent ?? d.maxConcurrent,
      bucketCapacity: limits.bucketCapacity ?? d.bucketCapacity,
      refillPerSecond: limits.refillPerSecond ?? d.refillPerSecond,
    };
  }

  /** Switches `budget` to `next`; a raised concurrency lets waiters in at once. */
  private applyLimits(budget: Budget, next: BudgetLimits): void {
    const current = budget.limits;
    if (
      next.maxConcurrent === current.maxConcurrent &&
      next.bucketCapacity === current.bucketCapacity &&
      next.refillPerSecond === current.refillPerSecond
    ) {
      return;
    }
    budget.limits = next;
    while (budget.inFlight < next.maxConcurrent && budget.waiters.length > 0) budget.waiters.shift()!();
  }

  private async takeSlot(budget: Budget, signal?: AbortSignal): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onGrant = () => {
        signal?.removeEventListener('abort', onAbort);
        budget.inFlight++;
        resolve();
      };
      const onAbort = () => {
        const index = budget.waiters.indexOf(onGrant);
        if (index >= 0) budget.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      budget.waiters.push(onGrant);
    });
  }

  private refill(budget: Budget, now: number): void {
    const elapsed = Math.max(0, now - budget.refilledAt);
    budget.tokens = Math.min(
      budget.limits.bucketCapacity,
      budget.tokens + (elapsed * budget.limits.refillPerSecond) / 1000,
    );
    budget.refilledAt = now;
  }

  private evictIdle(): void {
    const now = this.clock.now();
    for (const [key, b] of this.budgets) {
      if (b.inFlight === 0 && b.waiters.length === 0 && b.notBefore <= now && b.paceMs === 0) {
        this.budgets.delete(key);
      }
    }
  }
}

function intHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}
