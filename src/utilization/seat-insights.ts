/**
 * Seat right-sizing for one DocuSign account: seats purchased (billing plan `includedSeats`) and assigned
 * (`seatsInUse`), the seat price and what the seats of users inactive for N days cost a year, and those users (from
 * the utilization sync: the account's users as last listed, and their last day with an envelope sent or a template
 * created) in DocuSign's users-list order.
 */
import { and, asc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { IntegratedAccountRow } from '../connections/integrated-accounts';
import type { Database } from '../db/client';
import type { DiscoveredAccount } from '../db/schema/index';
import { utilizationUsers } from '../db/schema/utilization';
import { esignatureGetter } from '../unified/esignature-pages';
import type { UnifiedDeps } from '../unified/execute';
import { addDays, dayOf, dayStart } from './store';

/** One licensed user without activity for the asked number of days. */
export interface InactiveUser {
  user_id: string;
  name: string | null;
  email: string | null;
  status: 'active' | 'invited' | 'inactive';
  /** The last day (UTC) the user sent an envelope or created a template, within the synced history; null: none. */
  last_activity_on: string | null;
  /** Days since the last activity, or since the user joined the account when there was none in the history. */
  days_inactive: number | null;
  added_at: string | null;
}

/** The account's seats and what inactive users' seats cost. */
export interface SeatSummary {
  seats: { purchased: number | null; assigned: number | null; available: number | null };
  seat_price: {
    amount: number | null;
    currency: string | null;
    billing_frequency: string | null;
    yearly_amount: number | null;
  };
  inactive_user_count: number;
  yearly_reclaimable_amount: number | null;
}

const STATUS: Record<string, InactiveUser['status']> = {
  Active: 'active',
  ActivationSent: 'invited',
  ActivationRequired: 'invited',
  Disabled: 'inactive',
};

const num = (value: unknown): number | null => {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value !== ''
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

const CYCLES_PER_YEAR: Record<string, number> = { monthly: 12, annually: 1, annual: 1, yearly: 1 };

/** The users holding a seat (every status but Closed) with no activity since `cutoffDay`, and who joined before it. */
function inactiveWhere(integratedAccountId: string, accountId: string, cutoffDay: string) {
  // Qualified by hand: in a one-table select drizzle writes bare column names, which the subquery would take as its own.
  const lastActivity = sql<string | null>`(select max(d.day) from utilization_daily d
    where d.integrated_account_id = "utilization_users"."integrated_account_id"
      and d.account_id = "utilization_users"."account_id"
      and d.user_id = "utilization_users"."user_id"
      and (d.envelopes_sent > 0 or d.templates_created > 0))`;
  const cutoff = new Date(dayStart(cutoffDay));
  return {
    lastActivity,
    where: and(
      eq(utilizationUsers.integratedAccountId, integratedAccountId),
      eq(utilizationUsers.accountId, accountId),
      or(isNull(utilizationUsers.status), ne(utilizationUsers.status, 'Closed')),
      or(isNull(utilizationUsers.addedAt), lt(utilizationUsers.addedAt, cutoff)),
      or(sql`${lastActivity} is null`, sql`${lastActivity} < ${cutoffDay}`),
    ),
  };
}

/** A page of inactive licensed users (by users-list position, after `afterPosition`) and how many there are. */
export async function inactiveUsers(
  db: Database,
  input: {
    integratedAccountId: string;
    accountId: string;
    inactiveDays: number;
    today: string;
    afterPosition: number;
    limit: number;
  },
): Promise<{ users: InactiveUser[]; total: number; lastPosition: number | null; more: boolean }> {
  const cutoffDay = addDays(input.today, -input.inactiveDays);
  const { lastActivity, where } = inactiveWhere(input.integratedAccountId, input.accountId, cutoffDay);
  const rows = await db
    .select({
      userId: utilizationUsers.userId,
      position: utilizationUsers.position,
      name: utilizationUsers.name,
      email: utilizationUsers.email,
      status: utilizationUsers.status,
      addedAt: utilizationUsers.addedAt,
      lastActivity,
    })
    .from(utilizationUsers)
    .where(and(where, gt(utilizationUsers.position, input.afterPosition)))
    .orderBy(asc(utilizationUsers.position))
    .limit(input.limit + 1);
  const [{ n }] = (await db
    .select({ n: sql<number>`count(*)::int` })
    .from(utilizationUsers)
    .where(where)) as [{ n: number }];
  const page = rows.slice(0, input.limit);
  const todayMs = dayStart(input.today);
  const users = page.map((r): InactiveUser => {
    const last = r.lastActivity ? String(r.lastActivity).slice(0, 10) : null;
    const since = last ? dayStart(last) : r.addedAt ? dayStart(dayOf(r.addedAt.getTime())) : null;
    return {
      user_id: r.userId,
      name: r.name,
      email: r.email,
      status: STATUS[r.status ?? ''] ?? 'inactive',
      last_activity_on: last,
      days_inactive: since === null ? null : Math.round((todayMs - since) / 86_400_000),
      added_at: r.addedAt?.toISOString() ?? null,
    };
  });
  return { users, total: n, lastPosition: page.at(-1)?.position ?? null, more: rows.length > input.limit };
}

/** Seats and seat price from DocuSign (account information and billing plan), and the yearly reclaimable amount. */
export async function seatSummary(
  deps: Pick<UnifiedDeps, 'upstream'>,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
  inactiveCount: number,
): Promise<SeatSummary> {
  const get = esignatureGetter(deps, row, account);
  const [info, billing] = await Promise.all([get('', {}), get('/billing_plan', {})]);
  const plan = (billing.billingPlan ?? {}) as Record<string, unknown>;
  const purchased = num(plan.includedSeats) ?? num(info.seatsAllowed);
  const assigned = num(info.seatsInUse);
  const price = num(plan.perSeatPrice);
  const cycle = typeof plan.paymentCycle === 'string' ? plan.paymentCycle.toLowerCase() : null;
  const perYear = cycle ? CYCLES_PER_YEAR[cycle] : undefined;
  const yearly = price !== null && perYear !== undefined ? Math.round(price * perYear * 100) / 100 : null;
  return {
    seats: {
      purchased,
      assigned,
      available: purchased !== null && assigned !== null ? Math.max(0, purchased - assigned) : null,
    },
    seat_price: {
      amount: price,
      currency: typeof plan.currencyCode === 'string' ? plan.currencyCode : null,
      billing_frequency: cycle,
      yearly_amount: yearly,
    },
    inactive_user_count: inactiveCount,
    yearly_reclaimable_amount: yearly === null ? null : Math.round(yearly * inactiveCount * 100) / 100,
  };
}

/** Marks a user closed in the stored users list, so seat insights stop listing them before the next sync. */
export async function recordUserClosed(
  db: Database,
  integratedAccountId: string,
  accountId: string,
  userId: string,
): Promise<void> {
  await db
    .update(utilizationUsers)
    .set({ status: 'Closed' })
    .where(
      and(
        eq(utilizationUsers.integratedAccountId, integratedAccountId),
        eq(utilizationUsers.accountId, accountId),
        eq(utilizationUsers.userId, userId),
      ),
    );
}
