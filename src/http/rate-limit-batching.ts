import type { RateLimitStore } from './rate-limit';

export interface BatchingRateLimitStoreOptions {
  /** Longest time this process's hits stay unsent to the shared store while requests keep coming (default 250 ms). */
  flushMs?: number;
  /** Send sooner once this many hits of one key are pending (default 50). */
  maxPending?: number;
  now?: () => number;
}

interface KeyState {
  windowStart: number;
  /** The shared counts as of the last answer from the shared store (this process's sent hits included). */
  current: number;
  previous: number;
  /** Hits counted here and not yet sent. */
  pending: number;
  /** Hits sent and not yet answered (0 when no send is under way). */
  inFlight: number;
  lastSentAt: number;
  /** The send under way, if any. */
  sending: Promise<void> | null;
}

// Past this many keys, forget them all rather than grow (each key costs one shared round trip to relearn).
const MAX_KEYS = 100_000;

/**
 * A local counter in front of a shared store (PostgreSQL), so a request costs no database round trip: hits are
 * counted in the process and sent as one increment per key every `flushMs` (sooner after `maxPending` hits). The
 * first hit of a key in each window asks the shared store directly, so every process starts a window from the
 * shared counts. A decision sees the shared counts as of the last answer plus this process's unsent hits: other
 * processes' hits show up within about `flushMs`, so a burst spread over several processes can pass the limit by
 * what the others sent in that time. A process that stops receiving requests for a key sends its last unsent hits
 * with the next one (or never, if none comes: at most `maxPending` uncounted hits per process and key).
 */
export class BatchingRateLimitStore implements RateLimitStore {
  private readonly keys = new Map<string, KeyState>();
  private readonly flushMs: number;
  private readonly maxPending: number;
  private readonly now: () => number;

  constructor(
    private readonly shared: RateLimitStore,
    options: BatchingRateLimitStoreOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.maxPending = options.maxPending ?? 50;
    this.now = options.now ?? Date.now;
  }

  async hit(key: string, windowStart: number, windowMs: number, count = 1) {
    const state = this.keys.get(key);
    if (!state || state.windowStart !== windowStart) {
      // The last window's unsent hits (and refunds) still count as the "previous" window, here and in the other
      // processes: deliver them before reading it back, once per key and window.
      if (state) await this.drain(key, state, windowMs);
      const counts = await this.shared.hit(key, windowStart, windowMs, count);
      const started = this.keys.get(key);
      if (started && started.windowStart === windowStart) {
        // A concurrent first hit of this window got here first: keep its state, take the newer shared count.
        started.current = Math.max(started.current, counts.current);
        return counts;
      }
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      this.keys.set(key, {
        windowStart,
        current: counts.current,
        previous: counts.previous,
        pending: 0,
        inFlight: 0,
        lastSentAt: this.now(),
        sending: null,
      });
      return counts;
    }
    // A negative count (a refused request's hit taken back) is sent like any other.
    state.pending += count;
    if (state.pending >= this.maxPending || this.now() - state.lastSentAt >= this.flushMs) {
      this.send(key, state, windowMs);
    }
    return { current: state.current + state.inFlight + state.pending, previous: state.previous };
  }

  /** Sends the pending hits of `state` (one request per key at a time); on failure they stay pending. */
  private send(key: string, state: KeyState, windowMs: number): void {
    if (state.inFlight !== 0 || state.pending === 0) return;
    const count = state.pending;
    state.pending = 0;
    state.inFlight = count;
    state.lastSentAt = this.now();
    state.sending = this.shared.hit(key, state.windowStart, windowMs, count).then(
      (counts) => {
        state.inFlight = 0;
        state.sending = null;
        state.current = count < 0 ? counts.current : Math.max(state.current + count, counts.current);
        state.previous = Math.max(state.previous, counts.previous);
      },
      () => {
        state.inFlight = 0;
        state.sending = null;
        state.pending += count;
      },
    );
  }

  /** Waits for the send under way and sends what is left (a failed send leaves its hits pending; give up then). */
  private async drain(key: string, state: KeyState, windowMs: number): Promise<void> {
    for (let attempt = 0; attempt < 3 && (state.sending || state.pending !== 0); attempt++) {
      if (state.sending) await state.sending;
      this.send(key, state, windowMs);
      if (state.sending) await state.sending;
    }
  }
}
