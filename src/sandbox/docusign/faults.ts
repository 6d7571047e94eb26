/** Fault injection (latency, 5xx, 429 storms, connection resets, slow bodies), switchable per test via `sim.faults`. */
import { createRandom, type Random } from './random';

export interface FaultRule {
  /** A path prefix (case-insensitive) or a predicate on the request; all requests when omitted. */
  match?: string | ((req: Request) => boolean);
  /** Only requests with this HTTP method (any method when omitted). */
  method?: string;
  /** Fixed delay, or a uniform range [min, max], before the response. */
  latencyMs?: number | [number, number];
  /** Probability (0..1) of answering `errorStatus` instead of the real response. */
  errorRate?: number;
  errorStatus?: 500 | 502 | 503 | 504;
  /** The next `count` matching requests get 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitStorm?: { count: number; retryAfterSeconds: number };
  /** Probability (0..1) of dropping the connection (in-process: `TypeError('fetch failed')` with cause ECONNRESET). */
  resetRate?: number;
  /** Stream the response body in chunks with a delay between them. */
  slowBody?: { bytesPerChunk: number; delayMs: number };
}

/** Thrown inside the app when a fault resets the connection; transports turn it into a reset. */
export class ConnectionResetFault extends Error {
  constructor() {
    super('simulated connection reset');
    this.name = 'ConnectionResetFault';
  }
}

/** The `sim.faults` controller. */
export class FaultController {
  private rules: FaultRule[] = [];
  private readonly random: Random;

  constructor(seed: number) {
    this.random = createRandom(seed ^ 0x5eed_fa17);
  }

  /** Replaces all active rules. */
  set(rules: FaultRule | FaultRule[]): void {
    this.rules = (Array.isArray(rules) ? rules : [rules]).map((r) =>
      r.rateLimitStorm ? { ...r, rateLimitStorm: { ...r.rateLimitStorm } } : { ...r },
    );
  }

  /** Adds a rule to the active ones. */
  add(rule: FaultRule): void {
    this.set([...this.rules, rule]);
  }

  clear(): void {
    this.rules = [];
  }

  /** The active rules (storm counts as they stand now). */
  list(): readonly FaultRule[] {
    return this.rules;
  }

  /** Rules that apply to a request. */
  matching(req: Request): FaultRule[] {
    const path = new URL(req.url).pathname.toLowerCase();
    return this.rules.filter((r) => {
      if (r.method !== undefined && r.method.toUpperCase() !== req.method.toUpperCase()) return false;
      if (r.match === undefined) return true;
      if (typeof r.match === 'string') return path.startsWith(r.match.toLowerCase());
      return r.match(req);
    });
  }

  /** A draw in [0, 1) from the fault stream (seeded, so fault sequences are reproducible). */
  roll(): number {
    return this.random.next();
  }

  /** Delay for a rule's latency setting. */
  latencyOf(rule: FaultRule): number {
    const l = rule.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return l[0] + Math.floor(this.random.next() * (l[1] - l[0] + 1));
  }
}

/** Wraps a body so it streams `bytesPerChunk` at a time with `delayMs` between chunks. */
export function slowStream(
  body: ReadableStream<Uint8Array>,
  bytesPerChunk: number,
  delayMs: number,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let pending: Uint8Array = new Uint8Array(0);
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (pending.length < bytesPerChunk && !done) {
        const next = await reader.read();
        if (next.done) done = true;
        else {
          const merged = new Uint8Array(pending.length + next.value.length);
          merged.set(pending);
          merged.set(next.value, pending.length);
          pending = merged;
        }
      }
      if (pending.length === 0) {
        controller.close();
        return;
      }
      await new Promise((r) => setTimeout(r, delayMs));
      controller.enqueue(pending.slice(0, bytesPerChunk));
      pending = pending.slice(bytesPerChunk);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
