/** The unified event types the gateway emits and subscriptions filter on. */
export const EVENT_TYPES = [
  'signing_request.sent',
  'signing_request.delivered',
  'signing_request.completed',
  'signing_request.declined',
  'signing_request.voided',
  'participant.sent',
  'participant.delivered',
  'participant.signed',
  'participant.declined',
  'integrated_account.active',
  'integrated_account.needs_reauth',
  'integrated_account.deleted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** An envelope status change and the DocuSign timestamp field that dates it. */
export const ENVELOPE_TRANSITIONS = [
  { type: 'signing_request.sent', connect: 'envelope-sent', at: 'sentDateTime' },
  { type: 'signing_request.delivered', connect: 'envelope-delivered', at: 'deliveredDateTime' },
  { type: 'signing_request.completed', connect: 'envelope-completed', at: 'completedDateTime' },
  { type: 'signing_request.declined', connect: 'envelope-declined', at: 'declinedDateTime' },
  { type: 'signing_request.voided', connect: 'envelope-voided', at: 'voidedDateTime' },
] as const satisfies ReadonlyArray<{ type: EventType; connect: string; at: string }>;

/** A recipient status change and the timestamp field that dates it. */
export const RECIPIENT_TRANSITIONS = [
  { type: 'participant.sent', connect: 'recipient-sent', at: 'sentDateTime' },
  { type: 'participant.delivered', connect: 'recipient-delivered', at: 'deliveredDateTime' },
  { type: 'participant.signed', connect: 'recipient-completed', at: 'signedDateTime' },
  { type: 'participant.declined', connect: 'recipient-declined', at: 'declinedDateTime' },
] as const satisfies ReadonlyArray<{ type: EventType; connect: string; at: string }>;
