/** Envelope state transitions (send, deliver, sign, decline, void), transfer rules and the Connect events they raise. */
import type { SimContext } from './context';
import { setEnvelopeOwner } from './envelope-owner-index';
import { EsignError } from './esignature/common';
import { createRandom } from './random';
import { hash32, type SimAccount, type SimEnvelope, type SimRecipient } from './state';
import { fillTabsByLabel } from './tab-values';

export type ConnectEvent =
  | 'envelope-sent'
  | 'envelope-delivered'
  | 'envelope-completed'
  | 'envelope-declined'
  | 'envelope-voided'
  | 'recipient-sent'
  | 'recipient-delivered'
  | 'recipient-completed'
  | 'recipient-declined';

const ACTIVE = new Set(['sent', 'delivered']);

function touch(sim: SimContext, e: SimEnvelope, statusChanged: boolean): number {
  const now = sim.now();
  e.lastModifiedMs = now;
  if (statusChanged) e.statusChangedMs = now;
  return now;
}

const isDone = (r: SimRecipient): boolean => r.status === 'completed' || r.status === 'signed';

/**
 * Routing: the current routing order is the lowest order with a recipient not yet done; every waiting
 * recipient of that order becomes actionable at once (parallel routing), higher orders wait (sequential).
 */
function activateNextRoutingOrder(sim: SimContext, account: SimAccount, e: SimEnvelope, now: number): void {
  const pending = e.recipients.filter((r) => !isDone(r) && r.status !== 'declined');
  if (pending.length === 0) return;
  const order = Math.min(...pending.map((r) => r.routingOrder));
  let progressed = false;
  for (const r of pending) {
    if (r.routingOrder !== order || r.status !== 'created') continue;
    if (r.type === 'carboncopy') {
      // Carbon copies receive their copy when routing reaches them and need no action.
      r.status = 'completed';
      r.sentMs = now;
      r.signedMs = now;
      progressed = true;
    } else {
      r.status = 'sent';
      r.sentMs = now;
      sim.connect.publish(account, e, 'recipient-sent');
    }
  }
  if (progressed) activateNextRoutingOrder(sim, account, e, now);
}

/** Completes an in-process envelope once every recipient is done. */
function completeIfDone(sim: SimContext, account: SimAccount, e: SimEnvelope, now: number): void {
  if (!ACTIVE.has(e.status) || !e.recipients.every(isDone)) return;
  e.status = 'completed';
  e.completedMs = now;
  e.statusChangedMs = now;
  applyTransferRules(sim, account, e, 'completed');
  sim.connect.publish(account, e, 'envelope-completed');
}

/** Re-evaluates routing after recipients were added, changed or removed on an in-process envelope. */
export function refreshRouting(sim: SimContext, account: SimAccount, e: SimEnvelope): void {
  if (!ACTIVE.has(e.status)) return;
  const now = touch(sim, e, false);
  activateNextRoutingOrder(sim, account, e, now);
  completeIfDone(sim, account, e, now);
}

/** Applies enabled transfer rules for `eventType` (`sent` or `completed`) to an envelope. */
function applyTransferRules(sim: SimContext, account: SimAccount, e: SimEnvelope, eventType: string): void {
  for (const rule of account.transferRules) {
    if (!rule.enabled || rule.eventType.toLowerCase() !== eventType) continue;
    const fromUser = rule.fromUserId === e.ownerUserId;
    const fromGroup = rule.fromGroupId
      ? account.membersById.get(e.ownerUserId)?.groupIds.includes(rule.fromGroupId) === true
      : false;
    if (!fromUser && !fromGroup) continue;
    const original = e.ownerUserId;
    setEnvelopeOwner(account, e, rule.toUserId);
    e.customFolderId = rule.toFolderId;
    e.folderType = 'sentitems';
    if (rule.carbonCopyOriginalOwner) {
      const person = sim.state.users.get(original);
      if (person) {
        const recipientId = String(Math.max(0, ...e.recipients.map((r) => Number(r.recipientId) || 0)) + 1);
        e.recipients.push({
          recipientId,
          recipientIdGuid: createRandom(hash32(`${e.envelopeId}:cc:${recipientId}`)).guid(),
          type: 'carboncopy',
          name: `${person.firstName} ${person.lastName}`,
          email: person.email,
          routingOrder: Math.max(...e.recipients.map((r) => r.routingOrder)) + 1,
          status: e.status === 'completed' ? 'completed' : 'created',
          tabs: [],
        });
      }
    }
    return;
  }
}

/** Sends a draft envelope. */
export function sendEnvelope(sim: SimContext, account: SimAccount, e: SimEnvelope): void {
  if (e.status !== 'created')
    throw new EsignError('ENVELOPE_CANNOT_BE_SENT', 'Only draft envelopes can be sent.');
  if (!e.recipients.some((r) => r.type === 'signer' || r.type === 'certifieddelivery')) {
    throw new EsignError('ENVELOPE_HAS_NO_RECIPIENTS', 'The envelope has no recipients.');
  }
  if (e.documents.length === 0)
    throw new EsignError('ENVELOPE_HAS_NO_DOCUMENTS', 'The envelope has no documents.');
  const now = touch(sim, e, true);
  e.status = 'sent';
  e.sentMs = now;
  e.folderType = 'sentitems';
  applyTransferRules(sim, account, e, 'before sent');
  applyTransferRules(sim, account, e, 'sent');
  sim.connect.publish(account, e, 'envelope-sent');
  activateNextRoutingOrder(sim, account, e, now);
}

function findRecipient(e: SimEnvelope, recipientId: string): SimRecipient {
  const r = e.recipients.find((x) => x.recipientId === recipientId);
  if (!r)
    throw new EsignError('INVALID_RECIPIENT_ID', 'A recipient ID in the request is not in the envelope.');
  return r;
}

/** Marks a recipient as having opened the envelope. */
export function deliverRecipient(
  sim: SimContext,
  account: SimAccount,
  e: SimEnvelope,
  recipientId: string,
): void {
  const r = findRecipient(e, recipientId);
  if (r.status !== 'sent') return;
  const now = touch(sim, e, e.status === 'sent');
  r.status = 'delivered';
  r.deliveredMs = now;
  sim.connect.publish(account, e, 'recipient-delivered');
  if (e.status === 'sent') {
    e.status = 'delivered';
    e.deliveredMs = now;
    sim.connect.publish(account, e, 'envelope-delivered');
  }
}

/** A recipient signs (optionally filling tabs by label first); when nobody is left, the envelope completes. */
export function signRecipient(
  sim: SimContext,
  account: SimAccount,
  e: SimEnvelope,
  recipientId: string,
  tabValues: Record<string, string> = {},
): void {
  if (!ACTIVE.has(e.status)) throw new EsignError('ENVELOPE_INVALID_STATUS', `The envelope is ${e.status}.`);
  const r = findRecipient(e, recipientId);
  if (r.status !== 'sent' && r.status !== 'delivered') {
    throw new EsignError('RECIPIENT_NOT_IN_SEQUENCE', 'It is not this recipient’s turn to sign.');
  }
  const unknown = fillTabsByLabel(r.tabs, tabValues);
  if (unknown.length > 0) {
    throw new EsignError(
      'INVALID_TAB_LABEL',
      `Recipient ${recipientId} has no value tab labelled ${unknown[0]}.`,
    );
  }
  deliverRecipient(sim, account, e, recipientId);
  const now = touch(sim, e, false);
  r.status = 'completed';
  r.signedMs = now;
  for (const tab of r.tabs) {
    if (tab.kind === 'dateSignedTabs') tab.value = new Date(now).toISOString().slice(0, 10);
    if (tab.kind === 'fullNameTabs' && !tab.value) tab.value = r.name;
    if (tab.kind === 'emailAddressTabs' && !tab.value) tab.value = r.email;
  }
  sim.connect.publish(account, e, 'recipient-completed');
  activateNextRoutingOrder(sim, account, e, now);
  completeIfDone(sim, account, e, now);
}

/** Every pending recipient signs in routing order. */
export function completeEnvelope(sim: SimContext, account: SimAccount, e: SimEnvelope): void {
  if (e.status === 'created') sendEnvelope(sim, account, e);
  for (let guard = 0; guard < 1000 && ACTIVE.has(e.status); guard++) {
    const next = e.recipients.find((r) => r.status === 'sent' || r.status === 'delivered');
    if (!next) break;
    signRecipient(sim, account, e, next.recipientId);
  }
}

/** A recipient declines; the envelope is declined. */
export function declineRecipient(
  sim: SimContext,
  account: SimAccount,
  e: SimEnvelope,
  recipientId: string,
  reason: string,
): void {
  if (!ACTIVE.has(e.status)) throw new EsignError('ENVELOPE_INVALID_STATUS', `The envelope is ${e.status}.`);
  const r = findRecipient(e, recipientId);
  const now = touch(sim, e, true);
  r.status = 'declined';
  r.declinedMs = now;
  r.declinedReason = reason;
  e.status = 'declined';
  e.declinedMs = now;
  sim.connect.publish(account, e, 'recipient-declined');
  sim.connect.publish(account, e, 'envelope-declined');
}

/** Voids an in-process envelope. */
export function voidEnvelope(sim: SimContext, account: SimAccount, e: SimEnvelope, reason: string): void {
  if (!ACTIVE.has(e.status)) {
    throw new EsignError(
      'ENVELOPE_CANNOT_VOID_INVALID_STATE',
      'Only envelopes in the sent or delivered states may be voided.',
    );
  }
  const now = touch(sim, e, true);
  e.status = 'voided';
  e.voidedMs = now;
  e.voidedReason = reason;
  sim.connect.publish(account, e, 'envelope-voided');
}

/** Voids an in-process envelope whose expiration date passed, as DocuSign does. */
export function expireEnvelope(sim: SimContext, account: SimAccount, e: SimEnvelope): void {
  voidEnvelope(sim, account, e, 'Envelope has expired.');
}

/** Deletes a draft (what moving it to the recycle bin does): its status becomes `deleted`. */
export function deleteDraft(sim: SimContext, e: SimEnvelope): void {
  const now = touch(sim, e, true);
  e.status = 'deleted';
  e.deletedMs = now;
}
