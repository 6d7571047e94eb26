/**
 * The envelopes of an account per owner, so `GET /envelopes?user_id=…` (the utilization sync asks it once per user)
 * reads that user's envelopes instead of scanning every envelope of the account. Kept beside the state, not in it
 * (snapshots and resets need nothing): built on first use, extended with envelopes appended since (envelopes are
 * only ever appended; a deleted one stays listed), and told of owner changes by `setEnvelopeOwner`.
 */
import type { SimAccount, SimEnvelope } from './state';

interface OwnerIndex {
  /** How many of `account.envelopes` (from the start) are indexed. */
  indexed: number;
  byOwner: Map<string, SimEnvelope[]>;
}

const indexes = new WeakMap<SimAccount, OwnerIndex>();

function add(index: OwnerIndex, envelope: SimEnvelope): void {
  const list = index.byOwner.get(envelope.ownerUserId);
  if (list) list.push(envelope);
  else index.byOwner.set(envelope.ownerUserId, [envelope]);
}

function indexOf(account: SimAccount): OwnerIndex {
  let index = indexes.get(account);
  if (!index) {
    index = { indexed: 0, byOwner: new Map() };
    indexes.set(account, index);
  }
  for (; index.indexed < account.envelopes.length; index.indexed++)
    add(index, account.envelopes[index.indexed]!);
  return index;
}

/** The envelopes `userId` owns (in no particular order: lists sort them). */
export function envelopesOwnedBy(account: SimAccount, userId: string): readonly SimEnvelope[] {
  return indexOf(account).byOwner.get(userId) ?? [];
}

/** Gives an envelope to another owner (a transfer): the only way `ownerUserId` may change once it is listed. */
export function setEnvelopeOwner(account: SimAccount, envelope: SimEnvelope, userId: string): void {
  const list = indexes.get(account)?.byOwner.get(envelope.ownerUserId);
  const at = list ? list.indexOf(envelope) : -1;
  envelope.ownerUserId = userId;
  // Not indexed yet: it is indexed under its new owner when the index catches up.
  if (at < 0) return;
  list!.splice(at, 1);
  add(indexes.get(account)!, envelope);
}
