import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { AccountBudgets, DEFAULT_ACCOUNT_BUDGET } from '../../../src/upstream/account-budget';
import { createFakeClock } from '../../helpers/clock';

function budgets(overrides: Partial<typeof DEFAULT_ACCOUNT_BUDGET> = {}) {
  const clock = createFakeClock();
  return { clock, b: new AccountBudgets({ ...DEFAULT_ACCOUNT_BUDGET, ...overrides }, clock) };
}

/** Asks for a slot without waiting: whether it has been granted yet, and the release once it is. */
function acquireLater(b: AccountBudgets, key: string) {
  let granted = false;
  const release = b.acquire(key, 1_000).then((r) => {
    granted = true;
    return r;
  });
  return { granted: () => granted, release };
}

describe('AccountBudgets', () => {
  it('limits concurrency per key and hands the slot to the next waiter on release', async () => {
    const { b } = budgets({ maxConcurrent: 2 });
    const r1 = await b.acquire('acct-a', 1_000);
    await b.acquire('acct-a', 1_000);
    const third = acquireLater(b, 'acct-a');
    await Promise.resolve();
    expect(third.granted()).toBe(false);
    expect(b.snapshot('acct-a')?.queued).toBe(1);
    // Another account is not affected by acct-a's full slots.
    await b.acquire('acct-b', 1_000);
    r1();
    await third.release;
    expect(third.granted()).toBe(true);
    expect(b.snapshot('acct-a')?.inFlight).toBe(2);
  });

  it("takes a call's own limits for its key: a raised concurrency lets waiters in at once, a lowered one holds new calls", async () => {
    const { b } = budgets({ maxConcurrent: 1 });
    const first = await b.acquire('k', 1_000);
    const second = acquireLater(b, 'k');
    await Promise.resolve();
    expect(second.granted()).toBe(false);
    // A call carrying a limit of 3 takes a slot itself and lets the queued call in.
    const third = await b.acquire('k', 1_000, undefined, { maxConcurrent: 3 });
    await second.release;
    expect(second.granted()).toBe(true);
    expect(b.snapshot('k')).toMatchObject({ inFlight: 3, queued: 0 });
    // Back to the configured limit (1): releasing one of three in flight lets nobody in.
    const fourth = acquireLater(b, 'k');
    first();
    third();
    await Promise.resolve();
    expect(fourth.granted()).toBe(false);
    (await second.release)();
    await fourth.release;
    expect(fourth.granted()).toBe(true);
    // Another key keeps the configured limits.
    await b.acquire('other', 1_000, undefined, { maxConcurrent: 5 });
    expect(b.snapshot('k')?.inFlight).toBe(1);
  });

  it("sizes a new key's bucket from the call's own burst", async () => {
    const { b, clock } = budgets({ bucketCapacity: 2, refillPerSecond: 1, maxConcurrent: 100 });
    for (let i = 0; i < 5; i++) (await b.acquire('raised', 10_000, undefined, { bucketCapacity: 5 }))();
    expect(clock.sleeps).toEqual([]);
    (await b.acquire('raised', 10_000, undefined, { bucketCapacity: 5, refillPerSecond: 4 }))();
    expect(clock.sleeps).toEqual([250]);
  });

  it('a waiter whose signal aborts leaves the queue', async () => {
    const { b } = budgets({ maxConcurrent: 1 });
    await b.acquire('k', 1_000);
    const controller = new AbortController();
    const pending = b.acquire('k', 1_000, controller.signal);
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(b.snapshot('k')?.queued).toBe(0);
  });

  it('token bucket: allows a burst of capacity, then paces at the refill rate', async () => {
    const { b, clock } = budgets({ bucketCapacity: 3, refillPerSecond: 2, maxConcurrent: 100 });
    for (let i = 0; i < 3; i++) (await b.acquire('k', 10_000))();
    expect(clock.sleeps).toEqual([]);
    (await b.acquire('k', 10_000))();
    expect(clock.sleeps).toEqual([500]);
  });

  it('drains a bucket with an awkward refill rate on an epoch clock without spinning', async () => {
    const { b, clock } = budgets({ bucketCapacity: 2, refillPerSecond: 3, maxConcurrent: 100 });
    for (let i = 0; i < 50; i++) (await b.acquire('k', 10_000))();
    // 48 waits of one third of a second each, rounded up to whole milliseconds.
    expect(clock.sleeps.length).toBeLessThanOrEqual(48);
    expect(clock.sleeps.every((ms) => Number.isInteger(ms) && ms > 0 && ms <= 334)).toBe(true);
  });

  it('refuses with rate_limited instead of waiting longer than allowed', async () => {
    const { b } = budgets({ bucketCapacity: 1, refillPerSecond: 0.1 });
    (await b.acquire('k', 1_000))();
    const err = await b.acquire('k', 1_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('rate_limited');
    expect((err as ApiError).headers?.['retry-after']).toBe('10');
    expect(b.snapshot('k')?.inFlight).toBe(0);
  });

  it('slows only the account whose DocuSign quota runs low', async () => {
    const { b, clock } = budgets({ maxConcurrent: 100, bucketCapacity: 100 });
    (await b.acquire('noisy', 60_000))();
    (await b.acquire('quiet', 60_000))();
    const reset = String(Math.floor(clock.t / 1000) + 100);
    b.observe(
      'noisy',
      new Headers({ 'x-ratelimit-remaining': '10', 'x-ratelimit-limit': '1000', 'x-ratelimit-reset': reset }),
    );
    expect(b.snapshot('noisy')?.paceMs).toBeGreaterThan(9_000);
    (await b.acquire('quiet', 60_000))();
    expect(clock.sleeps).toEqual([]);
    (await b.acquire('noisy', 60_000))();
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(9_000);
  });

  it('paces on a low burst allowance and stops pacing when the allowance recovers', async () => {
    const { b } = budgets();
    (await b.acquire('k', 1_000))();
    b.observe('k', new Headers({ 'x-burstlimit-remaining': '5', 'x-burstlimit-limit': '500' }));
    expect(b.snapshot('k')?.paceMs).toBe(6_000);
    b.observe('k', new Headers({ 'x-burstlimit-remaining': '400', 'x-burstlimit-limit': '500' }));
    expect(b.snapshot('k')?.paceMs).toBe(0);
  });

  it('holds every request of an account whose hourly quota is exhausted until the reset', async () => {
    const { b, clock } = budgets();
    (await b.acquire('k', 1_000))();
    const reset = Math.floor(clock.t / 1000) + 3_600;
    b.observe('k', new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }));
    const err = await b.acquire('k', 10_000).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('rate_limited');
    expect(Number((err as ApiError).headers?.['retry-after'])).toBeGreaterThan(3_500);
  });
});
