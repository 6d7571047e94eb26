/**
 * Stored utilization: daily aggregates per user, each account's sync state (how far the aggregates reach, and the
 * sync job's checkpoint) and the account's users as the last sync listed them. Only complete UTC days are stored.
 */
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { utilizationDaily, utilizationSyncState, utilizationUsers } from '../db/schema/utilization';

/** How far back the first sync of an account reaches. */
export const HISTORY_DAYS = 360;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC time. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** Milliseconds of a UTC day's start. */
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
/** The day `n` days after `day` (negative: before). */
export const addDays = (day: string, n: number): string => dayOf(dayStart(day) + n * DAY_MS);

export type SyncStateRow = typeof utilizationSyncState.$inferSelect;

/** The state row's key. */
export function stateKey(integratedAccountId: string, accountId: string) {
  return and(
    eq(utilizationSyncState.integratedAccountId, integratedAccountId),
    eq(utilizationSyncState.accountId, accountId),
  );
}

/** The account's sync state, if any. */
export async function readSyncState(
  db: Database,
  integratedAccountId: string,
  accountId: string,
): Promise<SyncStateRow | undefined> {
  const rows = await db.select().from(utilizationSyncState).where(stateKey(integratedAccountId, accountId));
  return rows[0];
}

/** Writes one user's envelope counts per day (replacing what a previous run of the same days wrote). */
export async function storeEnvelopeCounts(
  db: Database,
  key: { integratedAccountId: string; accountId: string },
  userId: string,
  counts: Map<string, number>,
): Promise<void> {
  if (counts.size === 0) return;
  const values = [...counts].map(([day, n]) => ({ ...key, userId, day, envelopesSent: n }));
  await db
    .insert(utilizationDaily)
    .values(values)
    .onConflictDoUpdate({
      target: [
        utilizationDaily.integratedAccountId,
        utilizationDaily.accountId,
        utilizationDaily.userId,
        utilizationDaily.day,
      ],
      set: { envelopesSent: sql`excluded.envelopes_sent` },
    });
}

/** Writes template counts per owner and day (keys `userId\0day`), replacing earlier counts of those days. */
export async function storeTemplateCounts(
  db: Database,
  key: { integratedAccountId: string; accountId: string },
  counts: Map<string, number>,
): Promise<void> {
  const values = [...counts].map(([k, n]) => {
    const [userId, day] = k.split('\u0000') as [string, string];
    return { ...key, userId, day, templatesCreated: n };
  });
  for (let i = 0; i < values.length; i += 500) {
    await db
      .insert(utilizationDaily)
      .values(values.slice(i, i + 500))
      .onConflictDoUpdate({
        target: [
          utilizationDaily.integratedAccountId,
          utilizationDaily.accountId,
          utilizationDaily.userId,
          utilizationDaily.day,
        ],
        set: { templatesCreated: sql`excluded.templates_created` },
      });
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

/** The user ids the last sync listed for the account, in DocuSign's order. */
export async function listedUserIds(db: Database, integratedAccountId: string, accountId: string) {
  const rows = await db
    .select({ userId: utilizationUsers.userId })
    .from(utilizationUsers)
    .where(
      and(
        eq(utilizationUsers.integratedAccountId, integratedAccountId),
        eq(utilizationUsers.accountId, accountId),
      ),
    )
    .orderBy(asc(utilizationUsers.position));
  return rows.map((r) => r.userId);
}
