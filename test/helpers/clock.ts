/** A settable millisecond clock whose `sleep` advances time at once and records each wait. */
export interface FakeClock {
  /** The current time; tests may set it directly. */
  t: number;
  /** Every `sleep` duration, in order. */
  readonly sleeps: number[];
  now(): number;
  advance(ms: number): void;
  sleep(ms: number): Promise<void>;
}

/** Where fake clocks start unless told otherwise: 2026-11-23T12:00:00Z. */
export const FAKE_CLOCK_START = Date.UTC(2026, 10, 23, 12, 0, 0);

/** The one fake clock for gateway, simulator and upstream tests; its methods may be passed around unbound. */
export function createFakeClock(start = FAKE_CLOCK_START): FakeClock {
  const clock: FakeClock = {
    t: start,
    sleeps: [],
    now: () => clock.t,
    advance: (ms) => {
      clock.t += ms;
    },
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}
