/** Utilization rows per user and period, from the stored daily aggregates plus the current day read live. */

import { selectDocusignAccount } from '../connections/account-selection';
import { coveredAccounts, type IntegratedAccountRow } from '../connections/integrated-accounts';
import type { DiscoveredAccount } from '../db/schema/index';
import { esignatureGetter } from '../unified/esignature-pages';
import { collectActivity, listAccountUserIds } from './activity';
import { addDays, dayOf, dayStart, ensureSynced, readDaily, type UtilizationStoreDeps } from './store';

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

/** The utilization rows of the covered accounts (or the requested one) for a period, users in DocuSign's order. */
export async function utilizationRows(
  deps: UtilizationStoreDeps,
  row: IntegratedAccountRow,
  input: {
    requestedAccountId: string | undefined;
    periodStart: string;
    periodEnd: string;
    granularity: Granularity;
    userId: string | undefined;
  },
): Promise<UtilizationRow[]> {
  const accounts: DiscoveredAccount[] = input.requestedAccountId
    ? [selectDocusignAccount(row, input.requestedAccountId)]
    : coveredAccounts(row);
  if (accounts.length === 0) selectDocusignAccount(row, undefined); // throws the "no usable account" error
  const today = dayOf(deps.now());
  const buckets = periodBuckets(input.periodStart, input.periodEnd, input.granularity);
  const rows: UtilizationRow[] = [];
  for (const account of accounts) {
    await ensureSynced(deps, row, account);
    const get = esignatureGetter(deps, row, account);
    const listed = await listAccountUserIds(get);
    const users = input.userId ? [input.userId] : listed;
    const daily = await readDaily(
      deps.db,
      row.id,
      [account.id],
      input.periodStart,
      input.periodEnd,
      input.userId,
    );
    const activity = daily.map((d) => ({
      userId: d.userId,
      day: d.day,
      envelopesSent: d.envelopesSent,
      templatesCreated: d.templatesCreated,
    }));
    if (input.periodEnd >= today) {
      // Today is not stored yet (it is not over); read it live, for this answer only.
      activity.push(...(await collectActivity(get, users, dayStart(today), deps.now() + 1)));
    }
    // Users who left the users list but have activity in the period still get their rows.
    const known = new Set(users);
    if (!input.userId) {
      for (const a of activity) {
        if (!known.has(a.userId)) {
          known.add(a.userId);
          users.push(a.userId);
        }
      }
    }
    const sums = new Map<string, { sent: number; templates: number }>();
    for (const a of activity) {
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
