/**
 * Signing requests (DocuSign envelopes): the steps a mapping file cannot say. Each unified call runs the mapped
 * DocuSign request(s) of `mappings/docusign/e-signature/signing-requests.yaml`; this module picks the method,
 * checks the request's state first (so a refused action is a 409 that names the state and what to do instead),
 * fills what DocuSign needs from the current envelope (a participant's type, name, clientUserId), and reads the
 * request back after a change so every write answers with the whole signing request.
 */
import { ApiError } from '../http/errors';
import type { UnifiedObject } from '../mapping/compile';
import {
  listUnified,
  type OutputOptions,
  runUnified,
  type UnifiedCaller,
  type UnifiedDeps,
  type UnifiedPage,
} from '../unified/execute';
import { listWindow } from './list-window';

const MODEL = 'e-signature';
const RESOURCE = 'signing-requests';

/** A participant as the unified record shows it. */
interface Participant {
  id: string;
  role: string;
  name: string | null;
  email: string | null;
  client_user_id: string | null;
}

/** Which unified statuses allow each change, and what to do instead. */
const ALLOWED: Record<string, { statuses: readonly string[]; otherwise: string }> = {
  update: {
    statuses: ['created'],
    otherwise:
      'only drafts can be edited; change participants with the participants calls or open POST …/edit-url to correct it',
  },
  delete: {
    statuses: ['created'],
    otherwise: 'only drafts can be deleted; cancel a sent request with POST …/void',
  },
  send: { statuses: ['created'], otherwise: 'only drafts can be sent' },
  void: {
    statuses: ['sent', 'delivered'],
    otherwise: 'only requests that are out for signature (sent or delivered) can be voided',
  },
  resend: { statuses: ['sent', 'delivered'], otherwise: 'only requests out for signature can be resent' },
  embed_url: {
    statuses: ['sent', 'delivered'],
    otherwise: 'a signing URL exists only while the request is out for signature',
  },
  edit_url: {
    statuses: ['created', 'sent', 'delivered', 'correct'],
    otherwise: 'only drafts (embedded sending) and requests in flight (correction) can be edited',
  },
  participants: {
    statuses: ['created', 'sent', 'delivered', 'correct'],
    otherwise: 'participants can change only on drafts and requests still out for signature',
  },
};

/** Where a call goes and how it answers. */
export interface Target {
  caller: UnifiedCaller;
  /** `account_id` of the call (required for writes on a sync-all connection). */
  accountId: string | undefined;
  output: OutputOptions;
}

const MAPPED: OutputOptions = { includeRemoteData: false, raw: false };

/** Writes on a sync-all connection must name the DocuSign account: an envelope lives in exactly one. */
function writeAccount(target: Target): string | undefined {
  if (target.caller.row.allAccounts && !target.accountId) {
    throw new ApiError(
      'invalid_request',
      'This connection covers all DocuSign accounts of the user: pass account_id to say which account the signing request is in',
      { param: 'account_id' },
    );
  }
  return target.accountId;
}

function run(
  deps: UnifiedDeps,
  target: Target,
  method: string,
  params: Record<string, unknown>,
  output: OutputOptions = MAPPED,
): Promise<unknown> {
  return runUnified(deps, target.caller, {
    model: MODEL,
    resource: RESOURCE,
    method,
    params,
    requestedAccountId: target.accountId,
    output,
  });
}

/** The signing request as the caller asked for it (mapped, with remote data, or DocuSign's body). */
export function getSigningRequest(deps: UnifiedDeps, target: Target, id: string): Promise<unknown> {
  return run(deps, target, 'get', { id }, target.output);
}

/** The current mapped record, for state checks and participant look-ups. */
async function current(deps: UnifiedDeps, target: Target, id: string): Promise<UnifiedObject> {
  return (await run(deps, target, 'get', { id })) as UnifiedObject;
}

function statusOf(record: UnifiedObject): string {
  const status = record.status as { id?: unknown } | null;
  return typeof status?.id === 'string' ? status.id : 'unknown';
}

/** Throws a 409 naming the state unless `action` is allowed in it. */
export function assertState(record: UnifiedObject, action: keyof typeof ALLOWED): void {
  const rule = ALLOWED[action]!;
  const status = statusOf(record);
  if (!rule.statuses.includes(status)) {
    throw new ApiError('conflict', `Signing request ${String(record.id)} is ${status}: ${rule.otherwise}`, {
      status,
      allowed_statuses: rule.statuses,
    });
  }
}

function participantsOf(record: UnifiedObject): Participant[] {
  return Array.isArray(record.participants) ? (record.participants as Participant[]) : [];
}

function findParticipant(record: UnifiedObject, participantId: string): Participant {
  const found = participantsOf(record).find((p) => p.id === participantId);
  if (!found) {
    throw new ApiError(
      'not_found',
      `Signing request ${String(record.id)} has no participant ${participantId}`,
      { participant_id: participantId, participants: participantsOf(record).map((p) => p.id) },
    );
  }
  return found;
}

/** DocuSign needs a recipientId on every recipient; number the ones the caller left without, after `taken`. */
function numberParticipants(
  list: Record<string, unknown>[],
  taken: readonly string[],
): Record<string, unknown>[] {
  const used = new Set(taken);
  let next = Math.max(0, ...taken.map((id) => Number(id)).filter(Number.isFinite));
  return list.map((p) => {
    if (typeof p.id === 'string' && p.id !== '') {
      used.add(p.id);
      return p;
    }
    do next += 1;
    while (used.has(String(next)));
    used.add(String(next));
    return { ...p, id: String(next) };
  });
}

/** Lists signing requests; `participant_email` is narrowed by DocuSign's free-text search, then matched exactly. */
export async function listSigningRequests(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: {
    query: Record<string, unknown>;
    limit: number;
    cursor: string | undefined;
    accountId: string | undefined;
    output: OutputOptions;
  },
): Promise<UnifiedPage> {
  const q = input.query;
  const email = typeof q.participant_email === 'string' ? q.participant_email.toLowerCase() : undefined;
  if (email && q.search) {
    throw new ApiError(
      'invalid_request',
      'DocuSign has one free-text search: use search or participant_email',
      {
        param: 'participant_email',
      },
    );
  }
  const filters = {
    ...listWindow(q, deps.now()),
    status: q.status,
    collection_id: q.collection_id,
    search_text: q.search ?? email,
  };
  const page = await listUnified(deps, caller, {
    model: MODEL,
    resource: RESOURCE,
    filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
    limit: input.limit,
    cursor: input.cursor,
    requestedAccountId: input.accountId,
    output: input.output,
  });
  if (!email || input.output.raw) return page;
  const result = page.result.filter((r) =>
    participantsOf(r as UnifiedObject).some((p) => p.email?.toLowerCase() === email),
  );
  return { ...page, result, result_count: result.length };
}

/** Creates a signing request from documents or from a template, then answers with it. */
export async function createSigningRequest(
  deps: UnifiedDeps,
  target: Target,
  body: Record<string, unknown> & { participants: Record<string, unknown>[] },
): Promise<unknown> {
  writeAccount(target);
  const fromTemplate = typeof body.template_id === 'string';
  const params = fromTemplate ? body : { ...body, participants: numberParticipants(body.participants, []) };
  const created = (await run(deps, target, fromTemplate ? 'create_from_template' : 'create', params, {
    includeRemoteData: false,
    raw: true,
  })) as { envelopeId?: unknown };
  if (typeof created.envelopeId !== 'string') {
    throw new ApiError('upstream_error', 'DocuSign created the envelope but sent no envelopeId', created);
  }
  return getSigningRequest(deps, target, created.envelopeId);
}

/** Updates a draft: subject, message, expiry and reminders, and participants named by id. */
export async function updateSigningRequest(
  deps: UnifiedDeps,
  target: Target,
  id: string,
  body: Record<string, unknown>,
): Promise<unknown> {
  writeAccount(target);
  const record = await current(deps, target, id);
  assertState(record, 'update');
  const { participants, ...envelope } = body;
  if (Object.values(envelope).some((v) => v !== undefined))
    await run(deps, target, 'update', { ...envelope, id });
  for (const change of (participants as Record<string, unknown>[] | undefined) ?? []) {
    await changeParticipant(deps, target, record, String(change.id), change);
  }
  return getSigningRequest(deps, target, id);
}

/** Deletes a draft (DocuSign: moved to the recycle bin); anything else is a 409 pointing to `void`. */
export async function deleteSigningRequest(deps: UnifiedDeps, target: Target, id: string): Promise<unknown> {
  writeAccount(target);
  assertState(await current(deps, target, id), 'delete');
  const body = await run(deps, target, 'delete', { id }, { includeRemoteData: false, raw: true });
  return target.output.raw ? body : { id };
}

/** `send`, `void` and `resend`: one state check, one DocuSign call, the request read back. */
export async function actOnSigningRequest(
  deps: UnifiedDeps,
  target: Target,
  id: string,
  action: 'send' | 'void' | 'resend',
  body: Record<string, unknown>,
): Promise<unknown> {
  writeAccount(target);
  assertState(await current(deps, target, id), action);
  await run(deps, target, action, { ...body, id }, { includeRemoteData: false, raw: true });
  return getSigningRequest(deps, target, id);
}

/** The signing URL of an embedded participant (one with `client_user_id`). */
export async function embedUrl(
  deps: UnifiedDeps,
  target: Target,
  id: string,
  body: { participant_id: string; return_url: string },
): Promise<{ url: string; participant_id: string }> {
  writeAccount(target);
  const record = await current(deps, target, id);
  assertState(record, 'embed_url');
  const p = findParticipant(record, body.participant_id);
  if (!p.client_user_id) {
    throw new ApiError(
      'conflict',
      `Participant ${p.id} is not an embedded participant (it has no client_user_id): DocuSign emails it instead`,
      { participant_id: p.id },
    );
  }
  const view = (await run(deps, target, 'embed_url', {
    id,
    participant_id: p.id,
    client_user_id: p.client_user_id,
    name: p.name,
    email: p.email,
    return_url: body.return_url,
  })) as { url?: unknown };
  return { url: String(view.url), participant_id: p.id };
}

/** Embedded sending (a draft) or correction (a request in flight) view. */
export async function editUrl(
  deps: UnifiedDeps,
  target: Target,
  id: string,
  body: { return_url: string },
): Promise<{ url: string; mode: 'sending' | 'correction' }> {
  writeAccount(target);
  const record = await current(deps, target, id);
  assertState(record, 'edit_url');
  const mode = statusOf(record) === 'created' ? 'sending' : 'correction';
  const view = (await run(deps, target, mode === 'sending' ? 'sender_view' : 'correct_view', {
    id,
    return_url: body.return_url,
  })) as { url?: unknown };
  return { url: String(view.url), mode };
}

/** Adds participants to a draft or a request in flight. */
export async function addParticipants(
  deps: UnifiedDeps,
  target: Target,
  id: string,
  participants: Record<string, unknown>[],
): Promise<unknown> {
  writeAccount(target);
  const record = await current(deps, target, id);
  assertState(record, 'participants');
  const taken = participantsOf(record).map((p) => p.id);
  const clash = participants.find((p) => typeof p.id === 'string' && taken.includes(p.id));
  if (clash) {
    throw new ApiError('conflict', `Signing request ${id} already has a participant ${String(clash.id)}`, {
      participant_id: clash.id,
    });
  }
  await run(deps, target, 'add_participants', { id, participants: numberParticipants(participants, taken) });
  return getSigningRequest(deps, target, id);
}

async function changeParticipant(
  deps: UnifiedDeps,
  target: Target,
  record: UnifiedObject,
  participantId: string,
  change: Record<string, unknown>,
): Promise<void> {
  const existing = findParticipant(record, participantId);
  // DocuSign files a recipient under its type's array, so the update must name the type it already has.
  const participant = { ...change, id: existing.id, role: existing.role };
  await run(deps, target, 'update_participants', { id: String(record.id), participants: [participant] });
}

/** Changes one participant (name, email, routing order, client_user_id) of a draft or a request in flight. */
export async function updateParticipant(
  deps: UnifiedDeps,
  target: Target,
  id: string,
  participantId: string,
  change: Record<string, unknown>,
): Promise<unknown> {
  writeAccount(target);
  const record = await current(deps, target, id);
  assertState(record, 'participants');
  await changeParticipant(deps, target, record, participantId, change);
  return getSigningRequest(deps, target, id);
}

/** Removes one participant of a draft or a request in flight. */
export async function removeParticipant(
  deps: UnifiedDeps,
  target: Target,
  id: string,
  participantId: string,
): Promise<unknown> {
  writeAccount(target);
  const record = await current(deps, target, id);
  assertState(record, 'participants');
  findParticipant(record, participantId);
  await run(deps, target, 'remove_participant', { id, participant_id: participantId });
  return getSigningRequest(deps, target, id);
}
