/** When a failed delivery is tried again: exponential backoff with full jitter, until the delivery's deadline. */
export interface RetrySchedule {
  /** Delay before the second attempt's window (default 5 s); doubles per attempt. */
  baseDelayMs: number;
  /** Longest wait between attempts (default 1 h). */
  maxDelayMs: number;
  /** How long after the event deliveries keep being retried (default 24 h). */
  windowMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  windowMs: 24 * 60 * 60_000,
};

/** The wait after `attempts` failed attempts: a random point in the upper half of the exponential step. */
export function retryDelayMs(
  schedule: RetrySchedule,
  attempts: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
