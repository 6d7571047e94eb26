/** Utilization rows per user and period, from the stored daily aggregates. */

import { selectDocusignAccount } from '../connections/account-selection';
import { coveredAccounts, type IntegratedAccountRow } from '../connections/integrated-accounts';
import type { Database } from '../db/client';
import type { DiscoveredAccount } from '../db/schema/index';
import { addDays, dayOf, dayStart, listedUserIds, readDaily } from './store';

export type Granularity = 'period' | 'month' | 'week' | 'day';

/** One unified utilization record. */
export interface UtilizationRow {
  id: string;
  user_id: string;
  account_id: string;
  period_start: string;
  period_end: string;
  envelopes_sent: number;
  templates_created: number;
  is_active: boolean;
}

interface Bucket {
  start: string;
  end: string;
}

/** The periods covering [start, end] (inclusive days): one, or calendar months, ISO weeks (Monday first) or days, clipped to the range. */
export function periodBuckets(start: string, end: string, granularity: Granularity): Bucket[] {
  if (granularity === 'period') return [{ start, end }];
  const buckets: Bucket[] = [];
  let cursor = start;
  while (cursor <= end) {
    let last: string;
    if (granularity === 'day') last = cursor;
    else if (granularity === 'week') {
      const weekday = (new Date(dayStart(cursor)).getUTCDay() + 6) % 7; // Monday = 0
      last = addDays(cursor, 6 - weekday);
    } else {
      const d = new Date(dayStart(cursor));
      last = dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    }
    if (last > end) last = end;
    buckets.push({ start: cursor, end: last });
    cursor = addDays(last, 1);
  }
  return buckets;
}

/** The accounts a utilization call covers: the requested one, else every account of the connection. */
export function utilizationAccounts(row: IntegratedAccountRow, requestedAccountId: string | undefined) {
  const accounts: DiscoveredAccount[] = requestedAccountId
    ? [selectDocusignAccount(row, requestedAccountId)]
    : coveredAccounts(row);
  if (accounts.length === 0) selectDocusignAccount(row, undefined); // throws the "no usable account" error
  return accounts;
}

/**
 * The utilization rows of some accounts for a period, from stored aggregates only (no DocuSign call): every user
 * the last sync listed, in DocuSign's order, then users with activity who have left the list since.
 */
export async function utilizationRows(
  db: Database,
  row: IntegratedAccountRow,
  accounts: DiscoveredAccount[],
  input: { periodStart: string; periodEnd: string; granularity: Granularity; userId: string | undefined },
): Promise<UtilizationRow[]> {
  const buckets = periodBuckets(input.periodStart, input.periodEnd, input.granularity);
  const rows: UtilizationRow[] = [];
  for (const account of accounts) {
    const users = input.userId ? [input.userId] : await listedUserIds(db, row.id, account.id);
    const daily = await readDaily(db, row.id, [account.id], input.periodStart, input.periodEnd, input.userId);
    const known = new Set(users);
    const sums = new Map<string, { sent: number; templates: number }>();
    for (const a of daily) {
      if (!known.has(a.userId)) {
        known.add(a.userId);
        users.push(a.userId);
      }
      const bucket = buckets.find((b) => a.day >= b.start && a.day <= b.end);
      if (!bucket) continue;
      const key = `${a.userId}\u0000${bucket.start}`;
      const sum = sums.get(key) ?? { sent: 0, templates: 0 };
      sum.sent += a.envelopesSent;
      sum.templates += a.templatesCreated;
      sums.set(key, sum);
    }
    for (const userId of users) {
      for (const bucket of buckets) {
        const sum = sums.get(`${userId}\u0000${bucket.start}`) ?? { sent: 0, templates: 0 };
        rows.push({
          id: `${account.id}:${userId}:${bucket.start}`,
          user_id: userId,
          account_id: account.id,
          period_start: bucket.start,
          period_end: bucket.end,
          envelopes_sent: sum.sent,
          templates_created: sum.templates,
          is_active: sum.sent > 0 || sum.templates > 0,
        });
      }
    }
  }
  return rows;
}
