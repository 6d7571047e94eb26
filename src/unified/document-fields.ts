/**
 * E-Signature document fields (DocuSign tabs). DocuSign addresses a tab by envelope, recipient, kind array and
 * tabId; the unified API by id and signing request. Update and delete therefore look the field up first (its
 * participant and type), then send it in its kind's array (the mapping's `body_key`).
 */
import { ApiError } from '../http/errors';
import { type OutputOptions, runUnified, type UnifiedCaller, type UnifiedDeps } from './execute';
import { findRecord } from './lookup';

const MODEL = 'e-signature';
const RESOURCE = 'document-fields';

/** The list method for the filters: a participant's fields, a document's, or the whole signing request's. */
export function documentFieldListMethod(filters: { participant_id?: string; document_id?: string }): string {
  if (filters.participant_id && filters.document_id) {
    throw new ApiError('invalid_request', 'Filter by participant_id or document_id, not both', {
      param: 'document_id',
    });
  }
  if (filters.participant_id) return 'list-by-participant';
  if (filters.document_id) return 'list-by-document';
  return 'list';
}

interface FieldAddress {
  id: string;
  signingRequestId: string;
  requestedAccountId: string | undefined;
}

/** The field `id` of the signing request, mapped (and its DocuSign tab). */
async function findField(deps: UnifiedDeps, caller: UnifiedCaller, at: FieldAddress) {
  const { record, read } = await findRecord(
    deps,
    caller,
    {
      model: MODEL,
      resource: RESOURCE,
      method: 'list',
      params: { signing_request_id: at.signingRequestId },
      requestedAccountId: at.requestedAccountId,
    },
    at.id,
    `document field in signing request ${at.signingRequestId}:`,
  );
  return { record, read, field: read.method.mapRecord(record, read.ctx) };
}

/** One field of a signing request. */
export async function getDocumentField(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  at: FieldAddress & { output: OutputOptions },
): Promise<unknown> {
  const { record, read } = await findField(deps, caller, at);
  if (at.output.raw) return record;
  return read.method.mapRecord(record, { ...read.ctx, includeRemoteData: at.output.includeRemoteData });
}

/** The participant and unified type DocuSign needs to address an existing field. */
async function addressOf(deps: UnifiedDeps, caller: UnifiedCaller, at: FieldAddress) {
  const { field } = await findField(deps, caller, at);
  const participant = field.participant as { id?: unknown } | null;
  return { participant_id: participant?.id, type: field.type };
}

/** Changes a field (value, label, flags, placement) and answers it as DocuSign then lists it. */
export async function updateDocumentField(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  at: FieldAddress & { changes: Record<string, unknown>; output: OutputOptions },
): Promise<unknown> {
  const address = await addressOf(deps, caller, at);
  const result = await runUnified(deps, caller, {
    model: MODEL,
    resource: RESOURCE,
    method: 'update',
    params: { ...at.changes, ...address, id: at.id, signing_request_id: at.signingRequestId },
    requestedAccountId: at.requestedAccountId,
    output: at.output,
  });
  if (at.output.raw) return result;
  return getDocumentField(deps, caller, at);
}

/** Removes a field from its participant. */
export async function deleteDocumentField(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  at: FieldAddress & { output: OutputOptions },
): Promise<unknown> {
  const address = await addressOf(deps, caller, at);
  return runUnified(deps, caller, {
    model: MODEL,
    resource: RESOURCE,
    method: 'delete',
    params: { ...address, id: at.id, signing_request_id: at.signingRequestId },
    requestedAccountId: at.requestedAccountId,
    output: at.output,
  });
}
