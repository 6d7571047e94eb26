/**
 * E-Signature documents: addressed by id together with their parent, a signing request (DocuSign envelope) or a
 * template. DocuSign has no metadata GET of one document, so get reads the parent's list; a download streams the
 * file as DocuSign sends it.
 */

import { selectDocusignAccount } from '../connections/account-selection';
import { upstreamBudget } from '../connections/pacing';
import { ApiError } from '../http/errors';
import { mappedRequestUrl } from '../mapping/request-url';
import { upstreamErrorFromParts } from '../upstream/errors';
import {
  asBusinessError,
  compiledMethod,
  type OutputOptions,
  requestContext,
  runUnified,
  type UnifiedCaller,
  type UnifiedDeps,
} from './execute';
import { findRecord, readAllRecords } from './lookup';

/** The parent of a document: exactly one of the two. */
export interface DocumentParent {
  signing_request_id?: string | undefined;
  template_id?: string | undefined;
}

const MODEL = 'e-signature';
const RESOURCE = 'documents';

/** The list method and params for a parent; a 400 unless exactly one parent is named. */
export function documentListSource(parent: DocumentParent): {
  method: string;
  params: Record<string, unknown>;
} {
  const { signing_request_id: signingRequestId, template_id: templateId } = parent;
  if (signingRequestId && templateId) {
    throw new ApiError('invalid_request', 'Name either signing_request_id or template_id, not both', {
      param: 'template_id',
    });
  }
  if (signingRequestId) return { method: 'list', params: { signing_request_id: signingRequestId } };
  if (templateId) return { method: 'list-template', params: { template_id: templateId } };
  throw new ApiError('invalid_request', 'signing_request_id or template_id is required', {
    param: 'signing_request_id',
  });
}

/** One document's metadata, found in its parent's list. */
export async function getDocument(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: {
    id: string;
    parent: DocumentParent;
    requestedAccountId: string | undefined;
    output: OutputOptions;
  },
): Promise<unknown> {
  const source = documentListSource(input.parent);
  const { record, read } = await findRecord(
    deps,
    caller,
    { model: MODEL, resource: RESOURCE, ...source, requestedAccountId: input.requestedAccountId },
    input.id,
    'document',
  );
  if (input.output.raw) return record;
  return read.method.mapRecord(record, { ...read.ctx, includeRemoteData: input.output.includeRemoteData });
}

/**
 * Adds a document to a draft signing request. DocuSign needs the new document's id: unless the caller gives one,
 * it is one more than the highest numeric id in the envelope. Answers the document as the list then shows it.
 */
export async function addDocument(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: { params: Record<string, unknown>; requestedAccountId: string | undefined; output: OutputOptions },
): Promise<unknown> {
  const signingRequestId = String(input.params.signing_request_id);
  let documentId = input.params.document_id;
  if (documentId === undefined) {
    const existing = await readAllRecords(deps, caller, {
      model: MODEL,
      resource: RESOURCE,
      method: 'list',
      params: { signing_request_id: signingRequestId },
      requestedAccountId: input.requestedAccountId,
    });
    const ids = existing.records.map((r) => Number((r as Record<string, unknown>).documentId));
    documentId = String(Math.max(0, ...ids.filter(Number.isFinite)) + 1);
  }
  const params = { ...input.params, document_id: documentId };
  const summary = await runUnified(deps, caller, {
    model: MODEL,
    resource: RESOURCE,
    method: 'create',
    params,
    requestedAccountId: input.requestedAccountId,
    output: input.output,
  });
  if (input.output.raw) return summary;
  return getDocument(deps, caller, {
    id: String(documentId),
    parent: { signing_request_id: signingRequestId },
    requestedAccountId: input.requestedAccountId,
    output: input.output,
  });
}

// DocuSign's headers that describe the file; everything else of its answer stays behind.
const FILE_HEADERS = ['content-type', 'content-disposition', 'content-length'] as const;

/**
 * The file of a signing request's or a template's document, streamed through the upstream client as DocuSign sends it (large
 * files are never held whole), with DocuSign's content-type and content-disposition.
 */
export async function downloadDocument(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: { id: string; parent: DocumentParent; requestedAccountId: string | undefined; signal?: AbortSignal },
): Promise<Response> {
  documentListSource(input.parent);
  const fromTemplate = !input.parent.signing_request_id;
  const method = await compiledMethod(
    deps,
    caller,
    MODEL,
    RESOURCE,
    fromTemplate ? 'download-template' : 'download',
  );
  const account = selectDocusignAccount(caller.row, input.requestedAccountId);
  const params = fromTemplate
    ? { id: input.id, template_id: input.parent.template_id }
    : { id: input.id, signing_request_id: input.parent.signing_request_id };
  const request = method.buildRequest(params, requestContext(caller.row, account));
  const res = await deps.upstream.send({
    integratedAccountId: caller.row.id,
    ...upstreamBudget(caller.row, account),
    url: mappedRequestUrl(request, { baseUri: account.base_uri, adminBase: caller.row.adminBase }),
    method: 'GET',
    headers: { accept: 'application/pdf, application/octet-stream, */*' },
    signal: input.signal,
  });
  if (res.status >= 400) {
    const text =
      res.body instanceof ReadableStream
        ? await new Response(res.body).text()
        : new TextDecoder().decode(res.body ?? new Uint8Array());
    const error = upstreamErrorFromParts(res.status, res.headers, parseErrorBody(text));
    throw asBusinessError(error, method, { resource: RESOURCE, params }) ?? error;
  }
  const headers = new Headers();
  for (const name of FILE_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(res.body, { status: 200, headers });
}

function parseErrorBody(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: DocuSign's text is kept as it came.
  }
  return { body: text.slice(0, 8_192) };
}
