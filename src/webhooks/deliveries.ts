/** The delivery log of a subscription (one entry per event, with every attempt) and manual redelivery. */
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Database } from '../db/client';
import { events, webhookDeliveries, webhookDeliveryAttempts } from '../db/schema/index';
import { ApiError } from '../http/errors';

export interface DeliveryAttemptLog {
  attempt: number;
  started_at: string;
  duration_ms: number;
  response_status: number | null;
  error: string | null;
}

export interface DeliveryLog {
  id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttemptLog[];
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** A page of the log, newest first; `before` is the `id` of the last entry of the previous page. */
export async function listDeliveries(
  db: Database,
  subscriptionId: string,
  options: { limit: number; status?: 'pending' | 'delivered' | 'failed'; before?: string },
): Promise<{ result: DeliveryLog[]; next_cursor: string | null; result_count: number }> {
  const conditions = [eq(webhookDeliveries.subscriptionId, subscriptionId)];
  if (options.status) conditions.push(eq(webhookDeliveries.status, options.status));
  if (options.before) {
    const [anchor] = await db
      .select({ seq: webhookDeliveries.eventSeq })
      .from(webhookDeliveries)
      .where(
        and(eq(webhookDeliveries.id, options.before), eq(webhookDeliveries.subscriptionId, subscriptionId)),
      );
    if (!anchor) throw new ApiError('invalid_request', 'cursor: unknown delivery', { param: 'cursor' });
    conditions.push(lt(webhookDeliveries.eventSeq, anchor.seq));
  }
  const rows = await db
    .select({ delivery: webhookDeliveries, type: events.type })
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.eventSeq))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const attempts =
    page.length === 0
      ? []
      : await db
          .select()
          .from(webhookDeliveryAttempts)
          .where(
            inArray(
              webhookDeliveryAttempts.deliveryId,
              page.map((r) => r.delivery.id),
            ),
          )
          .orderBy(asc(webhookDeliveryAttempts.attempt));
  const result = page.map(({ delivery, type }) => ({
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: type,
    status: delivery.status as DeliveryLog['status'],
    attempts: attempts
      .filter((a) => a.deliveryId === delivery.id)
      .map((a) => ({
        attempt: a.attempt,
        started_at: a.startedAt.toISOString(),
        duration_ms: a.durationMs,
        response_status: a.responseStatus,
        error: a.error,
      })),
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    delivered_at: delivery.deliveredAt?.toISOString() ?? null,
    created_at: delivery.createdAt.toISOString(),
  }));
  const next = rows.length > options.limit ? (page.at(-1)?.delivery.id ?? null) : null;
  return { result, next_cursor: next, result_count: result.length };
}

/** Sends a delivery again: due now, with a fresh retry window (a delivered one is sent once more). */
export async function redeliver(
  db: Database,
  subscriptionId: string,
  deliveryId: string,
  options: { now: number; windowMs: number },
): Promise<string> {
  const [updated] = await db
    .update(webhookDeliveries)
    .set({
      status: 'pending',
      nextAttemptAt: new Date(options.now),
      deadlineAt: new Date(options.now + options.windowMs),
      deliveredAt: null,
      leaseUntil: null,
      leaseHolder: null,
    })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, subscriptionId)))
    .returning({ id: webhookDeliveries.id });
  if (!updated) throw new ApiError('not_found', `Delivery ${deliveryId} not found`);
  return updated.id;
}
