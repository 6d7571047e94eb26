import { selectDocusignAccount } from '../connections/account-selection';
import { coveredAccounts, type IntegratedAccountRow } from '../connections/integrated-accounts';
import { upstreamBudget } from '../connections/pacing';
import type { DiscoveredAccount } from '../db/schema/index';
import {
  type CursorKey,
  DEFAULT_CURSOR_TTL_MS,
  decodeCursor,
  encodeCursor,
  hashFilters,
} from '../http/cursor';
import { ApiError } from '../http/errors';
import type { MappingCatalog } from '../mapping/catalog';
import type { CompiledMethod, MappedRequest, RequestContext, UnifiedObject } from '../mapping/compile';
import type { OverridesStore } from '../mapping/overrides-store';
import { mappedRequestUrl } from '../mapping/request-url';
import type { UpstreamClient } from '../upstream/client';
import { docusignErrorCode, docusignItemError, withNotFoundCodes } from '../upstream/errors';
import { fillPage, nextPosition } from './paging';

export interface UnifiedDeps {
  catalog: MappingCatalog;
  overrides: OverridesStore;
  upstream: UpstreamClient;
  cursorKey: Promise<CursorKey>;
  now: () => number;
}

/** Who is asking and through which connection. */
export interface UnifiedCaller {
  environmentId: string;
  row: IntegratedAccountRow;
  /** Aborts when the caller goes away: DocuSign reads made for it stop (writes run to the end, see sendMapped). */
  signal?: AbortSignal;
}

export interface OutputOptions {
  includeRemoteData: boolean;
  /** `raw`: DocuSign's records or body, unmapped. */
  raw: boolean;
}

/** A unified list page. */
export interface UnifiedPage {
  result: unknown[];
  next_cursor: string | null;
  result_count: number;
}

/** The compiled mapping method with the caller's overrides applied. */
export async function compiledMethod(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  model: string,
  resource: string,
  name: string,
) {
  const { overrides, version } = await deps.overrides.applicable(
    caller.environmentId,
    caller.row.id,
    model,
    resource,
  );
  return deps.catalog.compiled(model, resource, overrides, version).method(name);
}

/** What a mapped request knows of the connection and DocuSign account. */
export function requestContext(row: IntegratedAccountRow, account: DiscoveredAccount): RequestContext {
  return {
    accountId: account.id,
    organizationId: row.organizationId ?? account.organization_id ?? undefined,
    integratedAccountId: row.id,
  };
}

/**
 * Sends a mapped request through the upstream client and parses DocuSign's JSON answer. `signal` (the caller's)
 * stops a read when the caller leaves; a write is never abandoned half way, since DocuSign may already have applied
 * it and the caller's retry (with its Idempotency-Key) must find the finished result.
 */
export async function sendMapped(
  deps: Pick<UnifiedDeps, 'upstream'>,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
  req: MappedRequest,
  signal?: AbortSignal,
): Promise<unknown> {
  if (req.api === 'admin' && !row.organizationId && !account.organization_id) {
    throw new ApiError(
      'not_supported',
      'This needs the DocuSign Admin API, but the connection has no organization (the user is not an organization admin)',
    );
  }
  const url = mappedRequestUrl(req, { baseUri: account.base_uri, adminBase: row.adminBase });
  return deps.upstream.json<unknown>({
    integratedAccountId: row.id,
    ...upstreamBudget(row, account),
    url,
    method: req.method,
    headers: req.body
      ? { 'content-type': 'application/json', accept: 'application/json' }
      : { accept: 'application/json' },
    body: req.body ? JSON.stringify(req.body) : undefined,
    signal: req.method === 'GET' ? signal : undefined,
  });
}

async function relatedBodies(
  deps: UnifiedDeps,
  method: CompiledMethod,
  caller: UnifiedCaller,
  account: DiscoveredAccount,
  params: Record<string, unknown>,
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    method.related.map(async (related) => [
      related.name,
      await sendMapped(deps, caller.row, account, related.buildRequest(params, ctx), caller.signal),
    ]),
  );
  return Object.fromEntries(entries);
}

/**
 * A unified list: one opaque cursor walks the covered DocuSign accounts in turn, filling each page from as many
 * upstream pages as `limit` needs. Each record carries `account_id`.
 */
export async function listUnified(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: {
    model: string;
    resource: string;
    filters: Record<string, unknown>;
    limit: number;
    cursor: string | undefined;
    requestedAccountId: string | undefined;
    output: OutputOptions;
    /** The mapping method that lists (default `list`; e.g. a list of a sub-collection). */
    method?: string;
  },
): Promise<UnifiedPage> {
  const method = await compiledMethod(deps, caller, input.model, input.resource, input.method ?? 'list');
  const statics = method.staticRecords;
  const covered = input.requestedAccountId
    ? [selectDocusignAccount(caller.row, input.requestedAccountId)]
    : coveredAccounts(caller.row);
  // Records from the mapping file are the same for every account: list them once.
  const accounts = statics ? covered.slice(0, 1) : covered;
  if (accounts.length === 0) selectDocusignAccount(caller.row, undefined); // throws the "no usable account" error
  const binding = {
    environmentId: caller.environmentId,
    integratedAccountId: caller.row.id,
    resource: `${input.model}/${input.resource}${input.method ? `/${input.method}` : ''}`,
    filtersHash: await hashFilters({
      ...input.filters,
      account: input.requestedAccountId ?? null,
      raw: input.output.raw,
    }),
  };
  const key = await deps.cursorKey;
  const position = input.cursor
    ? await decodeCursor(input.cursor, key, binding, deps.now())
    : { offset: 0, accountIndex: 0 };
  const account = accounts[position.accountIndex];
  if (!account)
    throw new ApiError(
      'invalid_request',
      'cursor points past the connection’s accounts; restart the listing',
    );
  const ctx = requestContext(caller.row, account);
  const page = await fillPage({
    limit: input.limit,
    offset: position.offset,
    maxPageSize: method.maxPageSize,
    paged: (method.pagingStyle ?? 'none') !== 'none',
    fetchPage: async (offset, size) =>
      statics
        ? staticPage(statics, offset, size)
        : method.readPage(
            await sendMapped(
              deps,
              caller.row,
              account,
              method.buildRequest(input.filters, { ...ctx, page: { offset, size } }),
              caller.signal,
            ).catch((err: unknown) => {
              throw asBusinessError(err, method, { resource: input.resource, params: input.filters }) ?? err;
            }),
            offset,
          ),
  });
  let result: unknown[];
  if (input.output.raw) {
    // DocuSign's records unmapped, plus the one field that makes each addressable: the account it came from.
    result = page.items.map((item) =>
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? { ...item, account_id: account.id }
        : item,
    );
  } else {
    const related = await relatedBodies(deps, method, caller, account, input.filters, ctx);
    const mapCtx = { ...ctx, includeRemoteData: input.output.includeRemoteData, related, now: deps.now() };
    result = page.items.map((record) => method.mapRecord(record, mapCtx));
  }
  const next = nextPosition(position, page.nextOffset, accounts.length);
  const nextCursor = next
    ? await encodeCursor({ ...binding, ...next, expiresAt: deps.now() + DEFAULT_CURSOR_TTL_MS }, key)
    : null;
  return { result, next_cursor: nextCursor, result_count: result.length };
}

/**
 * Get, create, update, delete or a custom action: one mapped request (plus `related` ones), DocuSign's per-item
 * error in a bulk answer reported as if DocuSign had answered 400 with it, then the record mapped.
 */
export async function runUnified(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: {
    model: string;
    resource: string;
    method: string;
    params: Record<string, unknown>;
    requestedAccountId: string | undefined;
    output: OutputOptions;
  },
): Promise<UnifiedObject | unknown> {
  const method = await compiledMethod(deps, caller, input.model, input.resource, input.method);
  const account = selectDocusignAccount(caller.row, input.requestedAccountId);
  const ctx = requestContext(caller.row, account);
  if (method.staticRecords) {
    const found = staticRecord(method.staticRecords, input);
    return input.output.raw ? found : method.mapRecord(found, { ...ctx, includeRemoteData: false });
  }
  const request = method.buildRequest(input.params, ctx);
  const body = await sendMapped(deps, caller.row, account, request, caller.signal).catch((err: unknown) => {
    throw asBusinessError(err, method, input) ?? err;
  });
  const itemError = method.readItemError(body);
  if (itemError) {
    const refused = docusignItemError(itemError);
    throw asBusinessError(refused, method, input) ?? refused;
  }
  if (input.output.raw) return body;
  const related = await relatedBodies(deps, method, caller, account, input.params, ctx);
  return method.mapRecord(method.readRecord(body), {
    ...ctx,
    includeRemoteData: input.output.includeRemoteData,
    related,
    now: deps.now(),
  });
}

/** One page of records that come from the mapping file (`records.from_enum`). */
function staticPage(records: readonly UnifiedObject[], offset: number, size: number) {
  const items = records.slice(offset, offset + size);
  const nextOffset =
    offset + items.length < records.length && items.length > 0 ? offset + items.length : null;
  return { items, total: records.length, nextOffset };
}

function staticRecord(
  records: readonly UnifiedObject[],
  input: { resource: string; params: Record<string, unknown> },
): UnifiedObject {
  const found = records.find((r) => r.id === input.params.id);
  if (!found) throw new ApiError('not_found', `No ${input.resource} record ${String(input.params.id)}`);
  return found;
}

/**
 * Applies a mapping's error codes to DocuSign's refusal (an ApiError, or a bulk call's per-item error object):
 * `not_found_codes` make a 404 (see withNotFoundCodes), `conflict_codes` (the object's state refuses the call, e.g.
 * not a draft) a 409 and `invalid_codes` (refused input) a 400, with DocuSign's error in `details`. Undefined when
 * none applies.
 */
export function asBusinessError(
  failure: unknown,
  method: Pick<CompiledMethod, 'notFoundCodes' | 'conflictCodes' | 'invalidCodes'>,
  input: { resource: string; params: Record<string, unknown> },
): ApiError | undefined {
  let err: ApiError | undefined;
  if (failure instanceof ApiError) err = failure;
  else if (failure !== null && typeof failure === 'object')
    err = docusignItemError(failure as Record<string, unknown>);
  if (err === undefined) return undefined;
  const notFound = withNotFoundCodes(err, method.notFoundCodes, notFoundMessage(input));
  if (notFound !== err) return notFound;
  const code = docusignErrorCode(err.details);
  if (code === undefined) return undefined;
  if (err.code !== 'invalid_request' && err.code !== 'conflict' && err.code !== 'upstream_error')
    return undefined;
  const details = err.details as Record<string, unknown>;
  const message = typeof details.message === 'string' && details.message ? details.message : code;
  if (method.conflictCodes.has(code)) {
    return new ApiError('conflict', `DocuSign refused the ${input.resource} call: ${message}`, err.details);
  }
  if (method.invalidCodes.has(code)) {
    return new ApiError(
      'invalid_request',
      `DocuSign refused the ${input.resource} input: ${message}`,
      err.details,
    );
  }
  return undefined;
}

/** The message of a 404 for an id the mapping's `not_found_codes` say DocuSign does not know. */
function notFoundMessage(input: { resource: string; params: Record<string, unknown> }): string {
  const id = typeof input.params.id === 'string' ? ` ${input.params.id}` : '';
  return `No ${input.resource} record${id} in this DocuSign account`;
}
