/**
 * The delivery worker: each pass fans out new events, then claims due deliveries and POSTs them, signed per the
 * Standard Webhooks spec, recording every attempt. Runs on a timer in `src/server.ts`; a Workers scheduled handler
 * can call `runOnce()`.
 */
import { inArray } from 'drizzle-orm';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import { events, webhookSubscriptions } from '../db/schema/index';
import type { Logger } from '../http/logger';
import { createPeriodicJob } from '../jobs/periodic-job';
import { webhookMessageBody } from './message';
import { claimDeliveries, type DeliveryRow, dispatchEvents, recordAttempt } from './outbox';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule, retryDelayMs } from './retry-schedule';
import { webhookHeaders } from './signature';
import { checkSubscriberTarget, type SubscriberUrlPolicy } from './subscriber-url';
import { type SubscriptionRow, signingSecrets } from './subscriptions';

export interface DeliveryWorkerOptions {
  db: Database;
  vault: Vault;
  /** The fetch deliveries use (redirects are never followed). */
  fetch: typeof fetch;
  now: () => number;
  /** Unique per process: names the leases this worker holds. */
  holder: string;
  logger: Logger;
  urlPolicy: SubscriberUrlPolicy;
  intervalMs: number;
  retry?: Partial<RetrySchedule>;
  /** Deliveries claimed per round (default 50). */
  batchSize?: number;
  /** A claimed delivery is someone else's after this long (default 60 s; longer than `timeoutMs`). */
  leaseMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Consecutive failed attempts that mark a subscription `failing` (default 5). */
  failingAfter?: number;
  /** Rounds per pass at most, so one pass ends even under a steady stream (default 100). */
  maxRounds?: number;
}

export interface DeliveryPassResult {
  dispatched: number;
  delivered: number;
  retried: number;
  failed: number;
}

/** Builds the worker (a PeriodicJob: `start`, `stop`, `runOnce`). */
export function createDeliveryWorker(options: DeliveryWorkerOptions) {
  const schedule = { ...DEFAULT_RETRY_SCHEDULE, ...options.retry };
  const batchSize = options.batchSize ?? 50;
  const leaseMs = options.leaseMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const failingAfter = options.failingAfter ?? 5;

  const attempt = async (delivery: DeliveryRow, subscription: SubscriptionRow, body: string) => {
    const startedAt = options.now();
    const began = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      await checkSubscriberTarget(subscription.url, options.urlPolicy);
      const secrets = await signingSecrets(options.vault, subscription, startedAt);
      const headers = await webhookHeaders(delivery.eventId, Math.floor(startedAt / 1000), body, secrets);
      const res = await options.fetch(subscription.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'docusign-unified-gateway', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    return {
      startedAt,
      durationMs: Math.round(performance.now() - began),
      status,
      error,
      ok: status !== null && status >= 200 && status < 300,
    };
  };

  const round = async (result: DeliveryPassResult): Promise<number> => {
    const claimed = await claimDeliveries(options.db, {
      now: options.now(),
      holder: options.holder,
      leaseMs,
      limit: batchSize,
    });
    if (claimed.length === 0) return 0;
    const subscriptionIds = [...new Set(claimed.map((d) => d.subscriptionId))];
    const eventIds = [...new Set(claimed.map((d) => d.eventId))];
    const [subs, evts] = await Promise.all([
      options.db.select().from(webhookSubscriptions).where(inArray(webhookSubscriptions.id, subscriptionIds)),
      options.db.select().from(events).where(inArray(events.id, eventIds)),
    ]);
    const subById = new Map(subs.map((s) => [s.id, s]));
    const bodyById = new Map(evts.map((e) => [e.id, webhookMessageBody(e)]));
    await Promise.all(
      claimed.map(async (delivery) => {
        const subscription = subById.get(delivery.subscriptionId);
        const body = bodyById.get(delivery.eventId);
        if (!subscription || body === undefined) return; // deleted meanwhile: the cascade removed the delivery
        const outcome = await attempt(delivery, subscription, body);
        const now = options.now();
        const next = await recordAttempt(options.db, delivery, outcome, {
          holder: options.holder,
          now,
          retryAt: now + retryDelayMs(schedule, delivery.attempts + 1),
          failingAfter,
        });
        if (next === 'delivered') result.delivered++;
        else if (next === 'retry') result.retried++;
        else {
          result.failed++;
          options.logger.warn('webhook delivery gave up', {
            delivery_id: delivery.id,
            subscription_id: delivery.subscriptionId,
            event_id: delivery.eventId,
            error: outcome.error,
          });
        }
      }),
    );
    return claimed.length;
  };

  const runOnce = async (): Promise<DeliveryPassResult> => {
    const result: DeliveryPassResult = { dispatched: 0, delivered: 0, retried: 0, failed: 0 };
    for (let i = 0; i < (options.maxRounds ?? 100); i++) {
      const dispatched = await dispatchEvents(options.db, {
        now: options.now(),
        windowMs: schedule.windowMs,
      });
      result.dispatched += dispatched;
      const sent = await round(result);
      if (dispatched === 0 && sent === 0) break;
    }
    return result;
  };

  return createPeriodicJob(runOnce, options.intervalMs);
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
