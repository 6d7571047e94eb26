import type { Database } from '../db/client';
import { events } from '../db/schema/index';
import type { EventType } from './event-types';

/** An event about to be recorded; `dedupKey` makes a repeat of the same change a no-op. */
export interface EventDraft {
  environmentId: string;
  type: EventType;
  integratedAccountId: string;
  accountId: string | null;
  /** The event's `data` as subscribers receive it. */
  data: Record<string, unknown>;
  dedupKey: string | null;
  streamKey: string;
  occurredAt: Date | null;
}

/** A new event id (also the `webhook-id` of every delivery of the event). */
export function newEventId(): string {
  return `evt_${crypto.randomUUID().replaceAll('-', '')}`;
}

/** Appends events in the given order; ones whose dedup key is already stored are skipped. Returns how many were new. */
export async function recordEvents(
  db: Pick<Database, 'insert'>,
  drafts: readonly EventDraft[],
): Promise<number> {
  if (drafts.length === 0) return 0;
  // One statement keeps the order of `seq` equal to the order of the drafts.
  const inserted = await db
    .insert(events)
    .values(
      drafts.map((draft) => ({
        id: newEventId(),
        environmentId: draft.environmentId,
        type: draft.type,
        integratedAccountId: draft.integratedAccountId,
        accountId: draft.accountId,
        payload: draft.data,
        dedupKey: draft.dedupKey,
        streamKey: draft.streamKey,
        occurredAt: draft.occurredAt,
      })),
    )
    .onConflictDoNothing({ target: events.dedupKey })
    .returning({ id: events.id });
  return inserted.length;
}
