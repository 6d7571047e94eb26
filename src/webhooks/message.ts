import type { events } from '../db/schema/index';

/**
 * The JSON body of every delivery of an event (the same bytes on every retry): Standard Webhooks' `type`,
 * `timestamp` and `data`, plus the event id and the connection and DocuSign account it concerns.
 */
export function webhookMessageBody(event: typeof events.$inferSelect): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: (event.occurredAt ?? event.createdAt).toISOString(),
    integrated_account_id: event.integratedAccountId,
    account_id:
      event.accountId ?? (typeof event.payload.account_id === 'string' ? event.payload.account_id : null),
    data: event.payload,
  });
}
