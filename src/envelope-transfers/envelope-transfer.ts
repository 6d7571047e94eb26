/**
 * Handing a user's envelopes to another user, the way DocuSign offers it. DocuSign's eSignature API has no call
 * that changes the owner of an existing envelope: `PUT /folders/{folderId}` moves envelopes only between the
 * calling user's own folders, and envelope transfer rules (`POST /envelopes/transfer_rules`, admin only, "Transfer
 * Custody" feature) act on envelope events as they happen. So a transfer here is a transfer rule with
 * `eventType: completed` from the user to `to_user_id`: DocuSign moves each of the user's envelopes to the new
 * owner at the moment it completes, and only then. The transfer's id is the rule's id; its progress is read back
 * from DocuSign each time (stateless, so any gateway process can answer).
 */
import type { IntegratedAccountRow } from '../connections/integrated-accounts';
import type { DiscoveredAccount } from '../db/schema/index';
import { ApiError } from '../http/errors';
import { type EsignatureGet, esignatureGetter, readAllPages } from '../unified/esignature-pages';
import { sendMapped, type UnifiedDeps } from '../unified/execute';

/** Why an envelope of the user will not move. */
export type SkipReason =
  | 'completed_before_transfer'
  | 'voided'
  | 'declined'
  | 'draft_not_sent'
  | 'not_completed';

/** The transfer as reported to clients. */
export interface EnvelopeTransfer {
  id: string;
  status: 'in_progress' | 'completed' | 'disabled';
  account_id: string;
  from_user_id: string;
  to_user_id: string;
  mechanism: 'docusign_envelope_transfer_rule';
  event_type: 'completed';
  created_at: string | null;
  total: number;
  moved: number;
  pending: number;
  skipped: number;
  moved_envelope_ids: string[];
  pending_envelope_ids: string[];
  skipped_envelopes: { envelope_id: string; status: string; reason: SkipReason }[];
}

type Rec = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const userIdOf = (v: unknown): string | undefined =>
  v !== null && typeof v === 'object' ? str((v as Rec).userId) : undefined;

// Envelope lists need a start date; this reaches before any DocuSign envelope.
const ALL_TIME = '2000-01-01T00:00:00.000Z';

async function transferRules(get: EsignatureGet): Promise<Rec[]> {
  return readAllPages(get, '/envelopes/transfer_rules', {}, 'envelopeTransferRules');
}

/** Reads one user; DocuSign's refusal becomes a 404 (the path user) or a 400 (the target user) with its details. */
async function assertUser(get: EsignatureGet, userId: string, role: 'id' | 'to_user_id'): Promise<void> {
  try {
    await get(`/users/${encodeURIComponent(userId)}`, {});
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'invalid_request' || error.code === 'not_found')) {
      throw role === 'id'
        ? new ApiError('not_found', `DocuSign has no user ${userId} in this account`, error.details)
        : new ApiError(
            'invalid_request',
            `to_user_id: DocuSign has no user ${userId} in this account`,
            error.details,
          );
    }
    throw error;
  }
}

function skipReason(status: string): SkipReason {
  if (status === 'completed') return 'completed_before_transfer';
  if (status === 'voided') return 'voided';
  if (status === 'declined') return 'declined';
  if (status === 'created') return 'draft_not_sent';
  return 'not_completed';
}

async function progress(
  get: EsignatureGet,
  account: DiscoveredAccount,
  rule: Rec,
): Promise<EnvelopeTransfer> {
  const id = str(rule.envelopeTransferRuleId) ?? '';
  const from = userIdOf(rule.fromUser) ?? '';
  const to = userIdOf(rule.toUser) ?? '';
  const createdAt = str(rule.modifiedDate) ?? null;
  const list = (userId: string) =>
    readAllPages(
      get,
      '/envelopes',
      { from_date: ALL_TIME, from_to_status: 'created', user_id: userId },
      'envelopes',
    );
  // Moved: now owned by the new owner, sent by the old one, completed since the rule exists.
  const since = createdAt ? Date.parse(createdAt) : 0;
  const moved = (await list(to))
    .filter(
      (e) =>
        userIdOf(e.sender) === from &&
        str(e.status) === 'completed' &&
        Date.parse(str(e.completedDateTime) ?? '') >= since,
    )
    .map((e) => str(e.envelopeId) ?? '');
  const pending: string[] = [];
  const skipped: EnvelopeTransfer['skipped_envelopes'] = [];
  for (const e of await list(from)) {
    const envelopeId = str(e.envelopeId) ?? '';
    const status = str(e.status) ?? 'unknown';
    if (status === 'sent' || status === 'delivered') pending.push(envelopeId);
    else skipped.push({ envelope_id: envelopeId, status, reason: skipReason(status) });
  }
  const enabled = str(rule.enabled) !== 'false';
  return {
    id,
    status: !enabled ? 'disabled' : pending.length > 0 ? 'in_progress' : 'completed',
    account_id: account.id,
    from_user_id: from,
    to_user_id: to,
    mechanism: 'docusign_envelope_transfer_rule',
    event_type: 'completed',
    created_at: createdAt,
    total: moved.length + pending.length + skipped.length,
    moved: moved.length,
    pending: pending.length,
    skipped: skipped.length,
    moved_envelope_ids: moved,
    pending_envelope_ids: pending,
    skipped_envelopes: skipped,
  };
}

const isCompletedRule = (r: Rec) => (str(r.eventType) ?? '').toLowerCase() === 'completed';

/**
 * Starts (or finds the existing) transfer of `fromUserId`'s envelopes to `toUserId`: a DocuSign envelope transfer
 * rule on the `completed` event, then its progress.
 */
export async function startEnvelopeTransfer(
  deps: Pick<UnifiedDeps, 'upstream'>,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
  fromUserId: string,
  toUserId: string,
): Promise<EnvelopeTransfer> {
  if (fromUserId === toUserId) {
    throw new ApiError('invalid_request', 'to_user_id must differ from the user whose envelopes move', {
      param: 'to_user_id',
    });
  }
  const get = esignatureGetter(deps, row, account);
  await assertUser(get, fromUserId, 'id');
  await assertUser(get, toUserId, 'to_user_id');
  const rules = (await transferRules(get)).filter(
    (r) => isCompletedRule(r) && userIdOf(r.fromUser) === fromUserId,
  );
  const same = rules.find((r) => userIdOf(r.toUser) === toUserId && str(r.enabled) !== 'false');
  if (same) return progress(get, account, same);
  const other = rules.find((r) => str(r.enabled) !== 'false');
  if (other) {
    throw new ApiError(
      'conflict',
      `An enabled DocuSign transfer rule already hands ${fromUserId}'s completed envelopes to ${userIdOf(other.toUser)}`,
      { envelope_transfer_rule_id: str(other.envelopeTransferRuleId) },
    );
  }
  const created = (await sendMapped(deps, row, account, {
    api: 'esignature',
    method: 'POST',
    path: `/v2.1/accounts/${encodeURIComponent(account.id)}/envelopes/transfer_rules`,
    query: {},
    body: {
      eventType: 'completed',
      fromUsers: [{ userId: fromUserId }],
      toUser: { userId: toUserId },
      enabled: 'true',
      carbonCopyOriginalOwner: 'false',
    },
  })) as Rec | null;
  const rule = Array.isArray(created?.envelopeTransferRules)
    ? (created.envelopeTransferRules as Rec[])[0]
    : undefined;
  if (!rule) throw new ApiError('upstream_error', 'DocuSign created no envelope transfer rule', created);
  return progress(get, account, rule);
}

/** A transfer's progress, read back from DocuSign; 404 when no such completed-event transfer rule exists. */
export async function getEnvelopeTransfer(
  deps: Pick<UnifiedDeps, 'upstream'>,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
  id: string,
): Promise<EnvelopeTransfer> {
  const get = esignatureGetter(deps, row, account);
  const rule = (await transferRules(get)).find(
    (r) => str(r.envelopeTransferRuleId) === id && isCompletedRule(r) && userIdOf(r.fromUser),
  );
  if (!rule) throw new ApiError('not_found', `No envelope transfer ${id} in DocuSign account ${account.id}`);
  return progress(get, account, rule);
}
