/**
 * Daily utilization aggregates per DocuSign account: the first sync computes `HISTORY_DAYS` of history, later
 * syncs fetch only the days after `synced_through`. Only complete UTC days are stored (they no longer change);
 * the current day is read live by the caller when a period includes it.
 *
 * Several processes may sync at once: a sync first takes a lease on the account's `utilization_sync_state` row
 * with one conditional upsert (free, or expired), and only the holder fetches and writes. No transaction stays
 * open across DocuSign calls (PGlite has one connection; the upstream client itself reads the database).
 */
import { and, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { IntegratedAccountRow } from '../connections/integrated-accounts';
import type { Database } from '../db/client';
import type { DiscoveredAccount } from '../db/schema/index';
import { utilizationDaily, utilizationSyncState } from '../db/schema/utilization';
import { ApiError } from '../http/errors';
import { esignatureGetter } from '../unified/esignature-pages';
import type { UnifiedDeps } from '../unified/execute';
import { collectActivity, type DailyActivity, listAccountUserIds } from './activity';

/** How far back the first sync of an account reaches. */
export const HISTORY_DAYS = 360;
const DAY_MS = 86_400_000;
const DEFAULT_LEASE_MS = 10 * 60_000;

export interface UtilizationStoreDeps {
  db: Database;
  upstream: UnifiedDeps['upstream'];
  now: () => number;
  /** Who holds a lease (a process-unique id). */
  holder: string;
  leaseMs?: number;
  /** Waits between looks at another process's sync (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
}

/** `YYYY-MM-DD` of a UTC time. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** Milliseconds of a UTC day's start. */
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
/** The day `n` days after `day` (negative: before). */
export const addDays = (day: string, n: number): string => dayOf(dayStart(day) + n * DAY_MS);

export type SyncOutcome = 'synced' | 'up_to_date' | 'busy';

async function claim(deps: UtilizationStoreDeps, integratedAccountId: string, accountId: string) {
  const now = deps.now();
  const until = new Date(now + (deps.leaseMs ?? DEFAULT_LEASE_MS));
  const rows = await deps.db
    .insert(utilizationSyncState)
    .values({ integratedAccountId, accountId, leaseUntil: until, leaseHolder: deps.holder })
    .onConflictDoUpdate({
      target: [utilizationSyncState.integratedAccountId, utilizationSyncState.accountId],
      set: { leaseUntil: until, leaseHolder: deps.holder },
      where: or(isNull(utilizationSyncState.leaseUntil), lt(utilizationSyncState.leaseUntil, new Date(now))),
    })
    .returning();
  return rows[0];
}

function stateKey(integratedAccountId: string, accountId: string) {
  return and(
    eq(utilizationSyncState.integratedAccountId, integratedAccountId),
    eq(utilizationSyncState.accountId, accountId),
  );
}

async function release(deps: UtilizationStoreDeps, integratedAccountId: string, accountId: string) {
  await deps.db
    .update(utilizationSyncState)
    .set({ leaseUntil: null, leaseHolder: null })
    .where(and(stateKey(integratedAccountId, accountId), eq(utilizationSyncState.leaseHolder, deps.holder)));
}

async function store(
  deps: UtilizationStoreDeps,
  integratedAccountId: string,
  accountId: string,
  activity: DailyActivity[],
  syncedThrough: string,
) {
  await deps.db.transaction(async (tx) => {
    for (let i = 0; i < activity.length; i += 500) {
      const chunk = activity.slice(i, i + 500).map((a) => ({ integratedAccountId, accountId, ...a }));
      await tx
        .insert(utilizationDaily)
        .values(chunk)
        .onConflictDoUpdate({
          target: [
            utilizationDaily.integratedAccountId,
            utilizationDaily.accountId,
            utilizationDaily.userId,
            utilizationDaily.day,
          ],
          set: {
            envelopesSent: sql`excluded.envelopes_sent`,
            templatesCreated: sql`excluded.templates_created`,
          },
        });
    }
    const at = new Date(deps.now());
    await tx
      .update(utilizationSyncState)
      .set({
        syncedThrough,
        firstSyncedAt: sql`coalesce(${utilizationSyncState.firstSyncedAt}, ${at.toISOString()}::timestamptz)`,
        lastSyncedAt: at,
        leaseUntil: null,
        leaseHolder: null,
      })
      .where(
        and(stateKey(integratedAccountId, accountId), eq(utilizationSyncState.leaseHolder, deps.holder)),
      );
  });
}

/**
 * Brings one account's stored aggregates up to the start of today (UTC): the whole history on the first sync,
 * else only the days from `synced_through`. Returns `busy` when another process holds the account.
 */
export async function syncAccount(
  deps: UtilizationStoreDeps,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
): Promise<SyncOutcome> {
  const claimed = await claim(deps, row.id, account.id);
  if (!claimed) return 'busy';
  const today = dayOf(deps.now());
  try {
    const from = claimed.syncedThrough ?? addDays(today, -HISTORY_DAYS);
    if (from >= today) {
      await release(deps, row.id, account.id);
      return 'up_to_date';
    }
    const get = esignatureGetter(deps, row, account);
    const users = await listAccountUserIds(get);
    const activity = await collectActivity(get, users, dayStart(from), dayStart(today));
    await store(deps, row.id, account.id, activity, today);
    return 'synced';
  } catch (error) {
    await release(deps, row.id, account.id);
    throw error;
  }
}

/** The account's sync state, if any. */
export async function readSyncState(db: Database, integratedAccountId: string, accountId: string) {
  const rows = await db.select().from(utilizationSyncState).where(stateKey(integratedAccountId, accountId));
  return rows[0];
}

/**
 * Syncs the account unless it is up to date, waiting (up to `maxWaitMs`) while another process syncs it, so a
 * request never reads half-written history.
 */
export async function ensureSynced(
  deps: UtilizationStoreDeps,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
  maxWaitMs = 60_000,
): Promise<void> {
  const today = dayOf(deps.now());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let waited = 0; ; waited += 250) {
    const state = await readSyncState(deps.db, row.id, account.id);
    if (state?.syncedThrough && state.syncedThrough >= today) return;
    if ((await syncAccount(deps, row, account)) !== 'busy') return;
    if (waited >= maxWaitMs) {
      throw new ApiError(
        'upstream_unavailable',
        'Utilization of this account is being synced by another process; retry shortly',
        { account_id: account.id },
        { 'retry-after': '5' },
      );
    }
    await sleep(250);
  }
}

/** Stored daily rows of some accounts within [fromDay, toDay] (inclusive). */
export async function readDaily(
  db: Database,
  integratedAccountId: string,
  accountIds: string[],
  fromDay: string,
  toDay: string,
  userId: string | undefined,
) {
  return db
    .select()
    .from(utilizationDaily)
    .where(
      and(
        eq(utilizationDaily.integratedAccountId, integratedAccountId),
        inArray(utilizationDaily.accountId, accountIds),
        gte(utilizationDaily.day, fromDay),
        lte(utilizationDaily.day, toDay),
        userId ? eq(utilizationDaily.userId, userId) : undefined,
      ),
    );
}
