/**
 * Reading whole lists of one DocuSign account through a mapping method: for resources DocuSign has no single
 * GET for (a group, a document's metadata, a tab), the record is found in its list.
 */
import { selectDocusignAccount } from '../connections/account-selection';
import { ApiError } from '../http/errors';
import type { CompiledMethod, RequestContext } from '../mapping/compile';
import {
  asBusinessError,
  compiledMethod,
  type OutputOptions,
  requestContext,
  sendMapped,
  type UnifiedCaller,
  type UnifiedDeps,
} from './execute';

/** Which records to read: a mapping method of a resource, with its params, in one DocuSign account. */
export interface ListSource {
  model: string;
  resource: string;
  method: string;
  params: Record<string, unknown>;
  requestedAccountId: string | undefined;
}

/** DocuSign's records of a list method, every page, and how to map them. */
export interface ReadRecords {
  records: unknown[];
  method: CompiledMethod;
  ctx: RequestContext;
}

/**
 * The DocuSign account of a list under a parent (a signing request's documents, a folder's items): the parent
 * lives in one account, so such a list reads `account_id`, else the connection's default account, like a get,
 * instead of walking every account of a sync-all connection.
 */
export function parentAccountId(caller: UnifiedCaller, requested: string | undefined): string {
  return selectDocusignAccount(caller.row, requested).id;
}

// A hard stop against an upstream whose paging never ends.
const MAX_PAGES = 1_000;

/** Reads every record a list method returns, page by page (one call for unpaged methods). */
export async function readAllRecords(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  source: ListSource,
): Promise<ReadRecords> {
  const method = await compiledMethod(deps, caller, source.model, source.resource, source.method);
  const account = selectDocusignAccount(caller.row, source.requestedAccountId);
  const ctx = requestContext(caller.row, account);
  const paged = (method.pagingStyle ?? 'none') !== 'none';
  const size = method.maxPageSize ?? 100;
  const records: unknown[] = [];
  let offset = 0;
  for (let i = 0; i < MAX_PAGES; i++) {
    const request = method.buildRequest(source.params, paged ? { ...ctx, page: { offset, size } } : ctx);
    const body = await sendMapped(deps, caller.row, account, request, caller.signal).catch((err: unknown) => {
      throw asBusinessError(err, method, { resource: source.resource, params: source.params }) ?? err;
    });
    const page = method.readPage(body, offset);
    records.push(...page.items);
    if (!paged || page.nextOffset === null) break;
    offset = page.nextOffset;
  }
  return { records, method, ctx };
}

/** Maps records as a unified response would (`raw` keeps DocuSign's). */
export function mapRecords(read: ReadRecords, records: unknown[], output: OutputOptions): unknown[] {
  if (output.raw) return records;
  const mapCtx = { ...read.ctx, includeRemoteData: output.includeRemoteData };
  return records.map((record) => read.method.mapRecord(record, mapCtx));
}

/**
 * The one record of a list whose unified `id` is `id` (mapped without remote data to compare), or a 404
 * `not_found` naming `what`.
 */
export async function findRecord(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  source: ListSource,
  id: string,
  what: string,
): Promise<{ record: unknown; read: ReadRecords }> {
  const read = await readAllRecords(deps, caller, source);
  const record = read.records.find((r) => read.method.mapRecord(r, read.ctx).id === id);
  if (record === undefined) throw new ApiError('not_found', `No ${what} ${id}`);
  return { record, read };
}
