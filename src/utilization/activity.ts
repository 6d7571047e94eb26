/**
 * What DocuSign says the users of an account did, page by page, so a sync keeps one page in memory:
 * - envelopes sent: envelopes whose `sentDateTime` falls in the range (eSignature `GET /envelopes` with
 *   `from_to_status=sent`, asked per user with `user_id`, because without it DocuSign lists only the caller's
 *   own envelopes and those sent to them). Drafts have no `sentDateTime` and are not counted; an envelope sent and
 *   later voided or declined was still sent and counts. It counts for its sender (`sender.userId`): an envelope
 *   listed for a user it was not sent by is left to its sender's own listing, so no envelope counts twice.
 * - templates created: templates whose `created` falls in the range (`GET /templates` with `created_from_date` /
 *   `created_to_date`), for `owner.userId`. DocuSign lists only templates the caller may see (all of them for an
 *   account administrator); deleted templates are not listed.
 */
import type { EsignatureGet } from '../unified/esignature-pages';

/** One page of a DocuSign list and where the next starts (null: the list ended). */
export interface ListPage {
  items: Record<string, unknown>[];
  next: number | null;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const userIdOf = (value: unknown): string | undefined =>
  value !== null && typeof value === 'object' ? str((value as Record<string, unknown>).userId) : undefined;

const asInt = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * One page of an eSignature list (offset paging). The list ends at an empty page, at `totalSetSize` when DocuSign
 * gives a number, or without a `nextUri` otherwise. A DocuSign that never ends its pages is the caller's bound.
 */
export async function readPage(
  get: EsignatureGet,
  path: string,
  query: Record<string, string>,
  itemsKey: string,
  start: number,
  pageSize = 100,
): Promise<ListPage> {
  const body = await get(path, { ...query, start_position: String(start), count: String(pageSize) });
  const items = Array.isArray(body[itemsKey]) ? (body[itemsKey] as Record<string, unknown>[]) : [];
  if (items.length === 0) return { items, next: null };
  const next = start + items.length;
  const total = asInt(body.totalSetSize);
  const more = total !== undefined ? next < total : Boolean(body.nextUri);
  return { items, next: more ? next : null };
}

/** The ISO range DocuSign's date filters take for the half-open [fromMs, toMs) (DocuSign's `to_date` is inclusive). */
export function dateRange(fromMs: number, toMs: number) {
  return { from_date: new Date(fromMs).toISOString(), to_date: new Date(toMs - 1).toISOString() };
}

/** The UTC day of an ISO time, or undefined when it is not inside [fromMs, toMs). */
export function dayIn(time: unknown, fromMs: number, toMs: number): string | undefined {
  const text = str(time);
  if (!text) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || ms < fromMs || ms >= toMs) return undefined;
  return new Date(ms).toISOString().slice(0, 10);
}

/** The query listing the envelopes `userId` sent in [fromMs, toMs). */
export function sentEnvelopesQuery(userId: string, fromMs: number, toMs: number): Record<string, string> {
  return {
    ...dateRange(fromMs, toMs),
    from_to_status: 'sent',
    user_id: userId,
    order_by: 'sent',
    order: 'asc',
  };
}

/** Adds a page of `userId`'s sent envelopes to its per-day counts (envelopes of another sender are skipped). */
export function countSent(
  counts: Map<string, number>,
  envelopes: Record<string, unknown>[],
  userId: string,
  fromMs: number,
  toMs: number,
): void {
  for (const envelope of envelopes) {
    const sender = userIdOf(envelope.sender);
    if (sender !== undefined && sender !== userId) continue;
    const day = dayIn(envelope.sentDateTime, fromMs, toMs);
    if (day) counts.set(day, (counts.get(day) ?? 0) + 1);
  }
}

/** The query listing templates created in [fromMs, toMs). */
export function createdTemplatesQuery(fromMs: number, toMs: number): Record<string, string> {
  const range = dateRange(fromMs, toMs);
  return { created_from_date: range.from_date, created_to_date: range.to_date };
}

/** Adds a page of templates to per owner-and-day counts (key `userId\0day`). */
export function countCreated(
  counts: Map<string, number>,
  templates: Record<string, unknown>[],
  fromMs: number,
  toMs: number,
): void {
  for (const template of templates) {
    const owner = userIdOf(template.owner);
    const day = dayIn(template.created, fromMs, toMs);
    if (owner && day) {
      const key = `${owner}\u0000${day}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
}

/** The fields of a DocuSign user kept with the account's user list. */
export function listedUser(user: Record<string, unknown>) {
  const first = str(user.firstName);
  const last = str(user.lastName);
  const added = str(user.userAddedToAccountDateTime) ?? str(user.createdDateTime);
  const addedMs = added ? Date.parse(added) : Number.NaN;
  return {
    userId: str(user.userId),
    name: str(user.userName) ?? ([first, last].filter(Boolean).join(' ') || null),
    email: str(user.email) ?? null,
    status: str(user.userStatus) ?? null,
    addedAt: Number.isNaN(addedMs) ? null : new Date(addedMs),
  };
}
