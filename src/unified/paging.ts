/** Filling one unified page from DocuSign's pages, and the cursor position after it. */
import type { CursorPosition } from '../http/cursor';

/**
 * The position after a page: further in the same account when it has more, else the start of the next account
 * (for all-accounts connections), else null (the listing is complete).
 */
export function nextPosition(
  position: CursorPosition,
  nextOffset: number | null,
  accountCount: number,
): CursorPosition | null {
  if (nextOffset !== null) return { offset: nextOffset, accountIndex: position.accountIndex };
  if (position.accountIndex + 1 < accountCount) return { offset: 0, accountIndex: position.accountIndex + 1 };
  return null;
}

/** One upstream page as the mapping engine reads it (`CompiledMethod.readPage`). */
export interface UpstreamPage<T> {
  items: T[];
  nextOffset: number | null;
}

/**
 * Fills one unified page of `limit` records from an upstream that returns at most `maxPageSize` per call, with
 * sequential calls from `offset` in one account. `paged: false` means the upstream returns the whole list in one
 * call (paging style `none`): it is fetched once and sliced locally at `offset`.
 */
export async function fillPage<T>(options: {
  limit: number;
  offset: number;
  maxPageSize: number | undefined;
  paged: boolean;
  fetchPage: (offset: number, size: number) => Promise<UpstreamPage<T>>;
}): Promise<{ items: T[]; nextOffset: number | null }> {
  const { limit, maxPageSize, fetchPage } = options;
  if (!options.paged) {
    // The whole list comes in one response; the size is only a hint the request builder ignores for `none`.
    const page = await fetchPage(0, Number.MAX_SAFE_INTEGER);
    const items = page.items.slice(options.offset, options.offset + limit);
    const end = options.offset + items.length;
    return { items, nextOffset: end < page.items.length ? end : null };
  }
  const items: T[] = [];
  let offset = options.offset;
  const max = maxPageSize ?? limit;
  while (items.length < limit) {
    const page = await fetchPage(offset, Math.min(max, limit - items.length));
    const room = limit - items.length;
    if (page.items.length > room) {
      // The upstream ignored the size we asked for; keep what fits and resume right after it.
      items.push(...page.items.slice(0, room));
      return { items, nextOffset: offset + room };
    }
    items.push(...page.items);
    if (page.nextOffset === null || page.items.length === 0) return { items, nextOffset: null };
    offset = page.nextOffset;
  }
  return { items, nextOffset: offset };
}
