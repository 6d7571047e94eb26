/**
 * `GET …/signing-requests/{id}/download`: DocuSign's document bytes passed on as they arrive. The request comes
 * from the mapping's `download` method; it goes through `upstream.send()`, which hands a large body over as a
 * stream (pulled only as fast as the caller reads), so a 50 MB PDF never sits whole in the gateway's memory.
 */

import { selectDocusignAccount } from '../connections/account-selection';
import { upstreamBudget } from '../connections/pacing';
import { ApiError } from '../http/errors';
import { mappedRequestUrl } from '../mapping/request-url';
import {
  asBusinessError,
  compiledMethod,
  requestContext,
  type UnifiedCaller,
  type UnifiedDeps,
} from '../unified/execute';
import { bodyWasDecoded } from '../upstream/content-coding';
import { upstreamErrorFromParts } from '../upstream/errors';
import { NodeStreamBody } from '../upstream/node-body';

/** The headers of DocuSign's answer that describe the file; everything else stays DocuSign's business. */
const FILE_HEADERS = ['content-type', 'content-disposition', 'content-length'] as const;

/** The file and the headers to answer with. */
export interface DownloadedFile {
  /** A `NodeStreamBody` only when the caller asked for one (`nodeBody`). */
  body: ReadableStream<Uint8Array> | Uint8Array | NodeStreamBody | null;
  headers: Record<string, string>;
}

async function errorDetails(body: DownloadedFile['body']): Promise<Record<string, unknown> | undefined> {
  if (body === null) return undefined;
  // Node bodies are only kept for successful answers.
  if (body instanceof NodeStreamBody) return undefined;
  const text = await new Response(body).text();
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : { body: text };
  } catch {
    return text ? { body: text.slice(0, 2000) } : undefined;
  }
}

/** Opens `document` (`combined`, `certificate`, `archive` or a document id) of a signing request. */
export async function downloadSigningRequestDocument(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: { id: string; document: string; accountId: string | undefined },
  options: { nodeBody: boolean } = { nodeBody: false },
): Promise<DownloadedFile> {
  const method = await compiledMethod(deps, caller, 'e-signature', 'signing-requests', 'download');
  const account = selectDocusignAccount(caller.row, input.accountId);
  const params = { id: input.id, document: input.document };
  const req = method.buildRequest(params, requestContext(caller.row, account));
  const res = await deps.upstream.send({
    integratedAccountId: caller.row.id,
    ...upstreamBudget(caller.row, account),
    url: mappedRequestUrl(req, { baseUri: account.base_uri, adminBase: caller.row.adminBase }),
    method: req.method,
    headers: { accept: '*/*' },
    nodeBody: options.nodeBody,
  });
  if (res.status >= 400) {
    const failure = upstreamErrorFromParts(res.status, res.headers, await errorDetails(res.body));
    throw asBusinessError(failure, method, { resource: 'signing-requests', params }) ?? failure;
  }
  if (res.status !== 200) {
    if (res.body instanceof ReadableStream) await res.body.cancel();
    if (res.body instanceof NodeStreamBody) res.body.stream.destroy();
    throw new ApiError('upstream_error', `DocuSign answered ${res.status} to a document download`);
  }
  const headers: Record<string, string> = {};
  // A body the transport decoded no longer has DocuSign's length; one in another coding passes on as it came.
  const decoded = bodyWasDecoded(res.headers);
  for (const name of FILE_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null && !(decoded && name === 'content-length')) headers[name] = value;
  }
  const encoding = res.headers.get('content-encoding');
  if (encoding !== null && !decoded) headers['content-encoding'] = encoding;
  return { body: res.body, headers };
}
