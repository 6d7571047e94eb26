/** Reading every page of an eSignature list (offset paging with `start_position` / `count`). */

import type { IntegratedAccountRow } from '../connections/integrated-accounts';
import type { DiscoveredAccount } from '../db/schema/index';
import type { UnifiedDeps } from './execute';
import { sendMapped } from './execute';

/** A GET of one eSignature path of the account, through the one upstream client. */
export type EsignatureGet = (path: string, query: Record<string, string>) => Promise<Record<string, unknown>>;

/** Binds `sendMapped` to one connection and DocuSign account for eSignature GETs below `/v2.1/accounts/{id}`. */
export function esignatureGetter(
  deps: Pick<UnifiedDeps, 'upstream'>,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
): EsignatureGet {
  return async (path, query) => {
    const body = await sendMapped(deps, row, account, {
      api: 'esignature',
      method: 'GET',
      path: `/v2.1/accounts/${encodeURIComponent(account.id)}${path}`,
      query,
    });
    return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  };
}

const asInt = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Every record of a list, page by page: the next page starts after the records received, until DocuSign
 * reports no more (`totalSetSize` reached, or an empty `nextUri` when no total is given, or an empty page).
 */
export async function readAllPages(
  get: EsignatureGet,
  path: string,
  query: Record<string, string>,
  itemsKey: string,
  pageSize = 100,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start = 0;
  // A hard stop against an upstream that never ends its paging.
  for (let guard = 0; guard < 10_000; guard++) {
    const body = await get(path, { ...query, start_position: String(start), count: String(pageSize) });
    const page = Array.isArray(body[itemsKey]) ? (body[itemsKey] as Record<string, unknown>[]) : [];
    items.push(...page);
    if (page.length === 0) break;
    start += page.length;
    const total = asInt(body.totalSetSize);
    if (total !== undefined ? start >= total : !body.nextUri) break;
  }
  return items;
}
