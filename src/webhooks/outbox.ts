/**
 * The durable outbox on our own tables: events fan out into one delivery row per matching subscription, and
 * workers claim due deliveries with a lease taken under `FOR UPDATE SKIP LOCKED`, so several gateway processes share
 * the work, a crashed worker's lease simply expires (at-least-once), and no transaction stays open across HTTP.
 * A delivery is only claimable when no earlier delivery of the same subscription and stream is still pending, which
 * keeps each signing request's events in order without holding back other streams or subscriptions.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rowsOf } from '../db/rows';
import { events, webhookDeliveries, webhookDeliveryAttempts, webhookSubscriptions } from '../db/schema/index';

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type EventRow = typeof events.$inferSelect;

// Serializes fan-out across processes, so deliveries of a stream are created in event order.
const DISPATCH_LOCK = 727311;

/** A subscription wants an event when both filters (empty = everything) let it through. */
export function subscriptionWants(
  sub: Pick<typeof webhookSubscriptions.$inferSelect, 'eventTypes' | 'integratedAccountIds' | 'status'>,
  event: Pick<EventRow, 'type' | 'integratedAccountId'>,
): boolean {
  if (sub.status === 'disabled') return false;
  if (sub.eventTypes.length > 0 && !sub.eventTypes.includes(event.type)) return false;
  if (sub.integratedAccountIds.length > 0) {
    return event.integratedAccountId !== null && sub.integratedAccountIds.includes(event.integratedAccountId);
  }
  return true;
}

function newDeliveryId(): string {
  return `msg_${crypto.randomUUID().replaceAll('-', '')}`;
}

/** Creates the deliveries of up to `limit` undispatched events; returns how many events it dispatched. */
export async function dispatchEvents(
  db: Database,
  options: { now: number; windowMs: number; limit?: number },
): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ locked: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(${DISPATCH_LOCK}) as locked`),
    );
    if (!lock?.locked) return 0;
    const batch = await tx
      .select()
      .from(events)
      .where(isNull(events.dispatchedAt))
      .orderBy(asc(events.seq))
      .limit(options.limit ?? 200);
    if (batch.length === 0) return 0;
    const environments = [...new Set(batch.map((e) => e.environmentId))];
    const subscriptions = await tx
      .select()
      .from(webhookSubscriptions)
      .where(inArray(webhookSubscriptions.environmentId, environments));
    const at = new Date(options.now);
    const rows = batch.flatMap((event) =>
      subscriptions
        .filter((sub) => sub.environmentId === event.environmentId && subscriptionWants(sub, event))
        .map((sub) => ({
          id: newDeliveryId(),
          subscriptionId: sub.id,
          eventId: event.id,
          streamKey: event.streamKey ?? `integrated_account:${event.integratedAccountId ?? event.id}`,
          eventSeq: event.seq,
          nextAttemptAt: at,
          deadlineAt: new Date(event.createdAt.getTime() + options.windowMs),
          createdAt: at,
        })),
    );
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insert(webhookDeliveries)
        .values(rows.slice(i, i + 500))
        .onConflictDoNothing();
    }
    await tx
      .update(events)
      .set({ dispatchedAt: at })
      .where(
        inArray(
          events.id,
          batch.map((e) => e.id),
        ),
      );
    return batch.length;
  });
}

/** Leases up to `limit` due deliveries (heads of their streams) to `holder` until `now + leaseMs`. */
export async function claimDeliveries(
  db: Database,
  options: { now: number; holder: string; leaseMs: number; limit: number },
): Promise<DeliveryRow[]> {
  const now = new Date(options.now).toISOString();
  const until = new Date(options.now + options.leaseMs).toISOString();
  const result = await db.execute(sql`
    update webhook_deliveries set lease_until = ${until}::timestamptz, lease_holder = ${options.holder}
    where id in (
      select d.id from webhook_deliveries d
      where d.status = 'pending'
        and d.next_attempt_at <= ${now}::timestamptz
        and (d.lease_until is null or d.lease_until < ${now}::timestamptz)
        and exists (select 1 from webhook_subscriptions s where s.id = d.subscription_id and s.status <> 'disabled')
        and not exists (
          select 1 from webhook_deliveries e
          where e.subscription_id = d.subscription_id and e.stream_key = d.stream_key
            and e.status = 'pending' and e.event_seq < d.event_seq
        )
      order by d.next_attempt_at, d.event_seq
      limit ${options.limit}
      for update skip locked
    )
    returning id`);
  const ids = rowsOf<{ id: string }>(result).map((r) => r.id);
  if (ids.length === 0) return [];
  return db
    .select()
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.id, ids))
    .orderBy(asc(webhookDeliveries.eventSeq));
}

/** What one HTTP attempt came to. */
export interface AttemptOutcome {
  startedAt: number;
  durationMs: number;
  status: number | null;
  error: string | null;
  ok: boolean;
}

/**
 * Records an attempt and moves the delivery on: delivered, retried at `retryAt`, or failed past its deadline; the
 * subscription's failure streak is updated and it turns `failing` after `failingAfter` failures in a row.
 */
export async function recordAttempt(
  db: Database,
  delivery: DeliveryRow,
  outcome: AttemptOutcome,
  options: { holder: string; now: number; retryAt: number; failingAfter: number },
): Promise<'delivered' | 'retry' | 'failed'> {
  const attempt = delivery.attempts + 1;
  const at = new Date(options.now);
  const result: 'delivered' | 'retry' | 'failed' = outcome.ok
    ? 'delivered'
    : options.retryAt > delivery.deadlineAt.getTime()
      ? 'failed'
      : 'retry';
  await db.transaction(async (tx) => {
    await tx.insert(webhookDeliveryAttempts).values({
      id: `att_${crypto.randomUUID().replaceAll('-', '')}`,
      deliveryId: delivery.id,
      attempt,
      startedAt: new Date(outcome.startedAt),
      durationMs: outcome.durationMs,
      responseStatus: outcome.status,
      error: outcome.error,
    });
    await tx
      .update(webhookDeliveries)
      .set({
        attempts: attempt,
        status: result === 'retry' ? 'pending' : result,
        nextAttemptAt: result === 'retry' ? new Date(options.retryAt) : delivery.nextAttemptAt,
        deliveredAt: result === 'delivered' ? at : null,
        lastStatus: outcome.status,
        lastError: outcome.error,
        leaseUntil: null,
        leaseHolder: null,
      })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'pending')));
    if (outcome.ok) {
      await tx
        .update(webhookSubscriptions)
        .set({
          consecutiveFailures: 0,
          lastSuccessAt: at,
          status: sql`case when ${webhookSubscriptions.status} = 'failing' then 'active' else ${webhookSubscriptions.status} end`,
        })
        .where(eq(webhookSubscriptions.id, delivery.subscriptionId));
    } else {
      await tx
        .update(webhookSubscriptions)
        .set({
          consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1`,
          lastFailureAt: at,
          status: sql`case when ${webhookSubscriptions.status} = 'active' and ${webhookSubscriptions.consecutiveFailures} + 1 >= ${options.failingAfter} then 'failing' else ${webhookSubscriptions.status} end`,
        })
        .where(eq(webhookSubscriptions.id, delivery.subscriptionId));
    }
  });
  return result;
}
