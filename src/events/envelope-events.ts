/**
 * Turns what DocuSign says about an envelope (a Connect message or a polled envelope) into unified events. Both
 * sources date each change with the envelope's or recipient's own timestamp for that status, so the same change
 * gets the same dedup key whichever source (or retry) reports it first.
 */
import { ENVELOPE_TRANSITIONS, type EventType, RECIPIENT_TRANSITIONS } from './event-types';
import type { EventDraft } from './record-events';
import {
  type SigningRequestMapperDeps,
  type SigningRequestSource,
  signingRequestRecord,
} from './signing-request-record';

/** Which changes to emit: the one a Connect message names, or every change at or after `since` (polling). */
export type EnvelopeEventSelection =
  | { kind: 'connect'; event: string; generatedDateTime: string; recipientId?: string }
  | { kind: 'poll'; sinceMs: number };

interface Change {
  type: EventType;
  atMs: number;
  recipientId?: string;
  /** Tie-break at equal times: recipients act before the envelope changes, transitions in lifecycle order. */
  rank: number;
}

function ms(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** Every recipient of the envelope, all types together. */
function recipientsOf(envelope: Record<string, unknown>): Record<string, unknown>[] {
  const groups = (envelope.recipients ?? {}) as Record<string, unknown>;
  return Object.values(groups).flatMap((group) =>
    Array.isArray(group)
      ? (group.filter((r) => r && typeof r === 'object') as Record<string, unknown>[])
      : [],
  );
}

function changesOf(envelope: Record<string, unknown>, selection: EnvelopeEventSelection): Change[] {
  const changes: Change[] = [];
  const fallback = ms(envelope.statusChangedDateTime);
  ENVELOPE_TRANSITIONS.forEach((t, index) => {
    const rank = 100 + index;
    if (selection.kind === 'connect') {
      if (t.connect !== selection.event) return;
      const at = ms(envelope[t.at]) ?? fallback ?? ms(selection.generatedDateTime);
      if (at !== null) changes.push({ type: t.type, atMs: at, rank });
      return;
    }
    const at = ms(envelope[t.at]);
    if (at !== null && at >= selection.sinceMs) changes.push({ type: t.type, atMs: at, rank });
  });
  RECIPIENT_TRANSITIONS.forEach((t, index) => {
    if (selection.kind === 'connect' && t.connect !== selection.event) return;
    for (const recipient of recipientsOf(envelope)) {
      const recipientId = typeof recipient.recipientId === 'string' ? recipient.recipientId : undefined;
      if (!recipientId) continue;
      if (selection.kind === 'connect' && selection.recipientId && selection.recipientId !== recipientId)
        continue;
      const at = ms(recipient[t.at]);
      if (at === null || (selection.kind === 'poll' && at < selection.sinceMs)) continue;
      changes.push({ type: t.type, atMs: at, recipientId, rank: index });
    }
  });
  return changes.sort((a, b) => a.atMs - b.atMs || a.rank - b.rank);
}

/** The unified events for the selected changes of one envelope, oldest first. */
export async function envelopeEvents(
  deps: SigningRequestMapperDeps,
  source: SigningRequestSource,
  selection: EnvelopeEventSelection,
): Promise<EventDraft[]> {
  const changes = changesOf(source.envelope, selection);
  if (changes.length === 0) return [];
  const record = await signingRequestRecord(deps, source);
  const envelopeId = String(source.envelope.envelopeId ?? record.id);
  const participants = Array.isArray(record.participants) ? (record.participants as { id?: unknown }[]) : [];
  return changes.map((change) => {
    const at = new Date(change.atMs).toISOString();
    const data: Record<string, unknown> = { signing_request: record };
    if (change.recipientId) {
      data.participant = participants.find((p) => String(p.id) === change.recipientId) ?? {
        id: change.recipientId,
      };
    }
    return {
      environmentId: source.environmentId,
      type: change.type,
      integratedAccountId: source.integratedAccountId,
      accountId: source.accountId,
      data,
      dedupKey: [
        source.integratedAccountId,
        source.accountId,
        envelopeId,
        change.type,
        change.recipientId ?? '',
        at,
      ].join(':'),
      streamKey: `signing_request:${source.integratedAccountId}:${envelopeId}`,
      occurredAt: new Date(change.atMs),
    };
  });
}
