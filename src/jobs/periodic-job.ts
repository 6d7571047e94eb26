/** A background pass run every `intervalMs`, with `runOnce` for tests and callers; concurrent runs share one pass. */
export interface PeriodicJob<T> {
  runOnce(): Promise<T>;
  start(): void;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** Wraps one pass of a job in a timer that does not keep the process alive. */
export function createPeriodicJob<T>(pass: () => Promise<T>, intervalMs: number): PeriodicJob<T> {
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<T> | null = null;
  const runOnce = () => {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  };
  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        void runOnce().catch(() => {});
      }, intervalMs);
      (timer as { unref?: () => void }).unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}
