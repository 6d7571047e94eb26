/**
 * The utilization sync job of one DocuSign account, run in the background: lists the account's users (stored, page by
 * page), then reads each user's sent envelopes of the days to sync and stores that user's daily counts, then the
 * templates created in those days. After each user it checkpoints (`job_next_user`) and renews its lease, so a crash
 * or restart resumes where it was, in this process or another.
 *
 * - Once across processes: a row lease on the account's `utilization_sync_state` (src/jobs/row-lease.ts), renewed by
 *   its holder at every checkpoint; a holder that lost its lease stops before writing again.
 * - Once within a process: the runner keeps the job it runs per account and hands the same run to every caller; it
 *   never claims a lease for an account it is already running, so it cannot take over its own lease.
 * - Inside the rate budget: calls go through the one upstream client (per-account pacing, DocuSign's headers), and
 *   the job itself spaces its calls to `callsPerHour`, leaving the rest of DocuSign's hourly quota to requests.
 * - Bounded: it stops (status `stopped`, with the reason) after `maxPages` DocuSign pages, `maxRunMs` of running or
 *   `maxHeapGrowthBytes` of heap growth, e.g. when DocuSign's paging never ends. It keeps one page and user ids only.
 */
import { and, asc, eq, gte, ne, sql } from 'drizzle-orm';
import type { IntegratedAccountRow } from '../connections/integrated-accounts';
import type { Database } from '../db/client';
import type { DiscoveredAccount } from '../db/schema/index';
import { utilizationSyncState, utilizationUsers } from '../db/schema/utilization';
import { loggableMessage } from '../http/loggable-error';
import type { Logger } from '../http/logger';
import { claimRowLease, type RowLeaseTarget, releaseRowLease } from '../jobs/row-lease';
import { type EsignatureGet, esignatureGetter } from '../unified/esignature-pages';
import type { UnifiedDeps } from '../unified/execute';
import {
  countCreated,
  countSent,
  createdTemplatesQuery,
  listedUser,
  readPage,
  sentEnvelopesQuery,
} from './activity';
import {
  addDays,
  dayOf,
  dayStart,
  HISTORY_DAYS,
  readSyncState,
  type SyncStateRow,
  stateKey,
  storeEnvelopeCounts,
  storeTemplateCounts,
} from './store';

/** Limits of one run of a job (defaults in DEFAULT_SYNC_LIMITS). */
export interface SyncLimits {
  /** The job's own share of an account's DocuSign calls per hour (DocuSign's default quota is 3,000). */
  callsPerHour: number;
  maxPages: number;
  maxRunMs: number;
  maxHeapGrowthBytes: number;
  leaseMs: number;
  /** A stopped or failed job is tried again after this long (by the periodic job). */
  retryStoppedAfterMs: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  callsPerHour: 1_500,
  maxPages: 50_000,
  maxRunMs: 12 * 3_600_000,
  maxHeapGrowthBytes: 256 * 1024 * 1024,
  leaseMs: 5 * 60_000,
  retryStoppedAfterMs: 6 * 3_600_000,
};

export interface UtilizationJobDeps {
  db: Database;
  upstream: UnifiedDeps['upstream'];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** Unique per process: names the leases this runner holds. */
  holder: string;
  limits?: Partial<SyncLimits>;
  /** Heap in use (default: process.memoryUsage().heapUsed where available). */
  heapUsed?: () => number;
}

/** `interrupted`: the process is shutting down; the job stays `running` and resumes in the next process. */
export type JobOutcome =
  | 'completed'
  | 'up_to_date'
  | 'busy'
  | 'stopped'
  | 'failed'
  | 'lost_lease'
  | 'interrupted';

/** A sync job as the API shows it. */
export interface SyncStatus {
  account_id: string;
  status: 'not_started' | 'running' | 'completed' | 'stopped' | 'failed';
  /** Aggregates are complete for days before this one (null until the first sync completes). */
  synced_through: string | null;
  phase: string | null;
  progress: { users_total: number; users_done: number; pages_read: number };
  started_at: string | null;
  updated_at: string | null;
  /** When the job should be done, from its pace so far (or its call budget before it has one). */
  estimated_completion_at: string | null;
  /** Why it stopped early or failed. */
  reason: string | null;
}

class StopJob extends Error {
  constructor(readonly reason: 'page_limit' | 'time_limit' | 'memory_limit' | 'lost_lease' | 'shutdown') {
    super(reason);
  }
}

const USER_BATCH = 500;

// Workers have no `process`; there the memory bound is off (heap reads as 0).
const nodeProcess = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
const defaultHeap = (): number => nodeProcess?.memoryUsage?.().heapUsed ?? 0;

/** The runner of utilization sync jobs of this process. */
export function createUtilizationJobs(deps: UtilizationJobDeps) {
  const limits: SyncLimits = { ...DEFAULT_SYNC_LIMITS, ...deps.limits };
  const heapUsed = deps.heapUsed ?? defaultHeap;
  const running = new Map<string, Promise<JobOutcome>>();
  const spacingMs = 3_600_000 / limits.callsPerHour;
  let closing = false;

  const target = (row: IntegratedAccountRow, account: DiscoveredAccount): RowLeaseTarget => ({
    table: 'utilization_sync_state',
    key: { integrated_account_id: row.id, account_id: account.id },
  });

  async function runJob(row: IntegratedAccountRow, account: DiscoveredAccount): Promise<JobOutcome> {
    const lease = target(row, account);
    const claimed = await claimRowLease(deps.db, lease, {
      holder: deps.holder,
      now: deps.now(),
      leaseMs: limits.leaseMs,
    });
    if (!claimed) return 'busy';
    const key = { integratedAccountId: row.id, accountId: account.id };
    const where = and(stateKey(row.id, account.id), eq(utilizationSyncState.leaseHolder, deps.holder));
    let state = (await readSyncState(deps.db, row.id, account.id))!;
    const today = dayOf(deps.now());
    if (state.jobStatus !== 'running') {
      const from = state.syncedThrough ?? addDays(today, -HISTORY_DAYS);
      if (from >= today) {
        await releaseRowLease(deps.db, lease, deps.holder);
        return 'up_to_date';
      }
      const [started] = await deps.db
        .update(utilizationSyncState)
        .set({
          jobStatus: 'running',
          jobFrom: from,
          jobTo: today,
          jobPhase: 'users',
          jobNextUser: 0,
          jobUserCount: 0,
          jobPages: 0,
          jobStartedAt: new Date(deps.now()),
          jobUpdatedAt: new Date(deps.now()),
          jobStopReason: null,
        })
        .where(where)
        .returning();
      if (!started) return 'lost_lease';
      state = started;
    }
    const fromMs = dayStart(state.jobFrom!);
    const toMs = dayStart(state.jobTo!);
    const listedBy = state.jobStartedAt!;
    const runStart = deps.now();
    const heapStart = heapUsed();
    let pages = state.jobPages;
    let lastCallAt = Number.NEGATIVE_INFINITY;
    let renewedAt = deps.now();
    const upstreamGet = esignatureGetter(deps, row, account);

    const checkBounds = () => {
      if (closing) throw new StopJob('shutdown');
      if (pages >= limits.maxPages) throw new StopJob('page_limit');
      if (deps.now() - runStart >= limits.maxRunMs) throw new StopJob('time_limit');
      if (heapUsed() - heapStart >= limits.maxHeapGrowthBytes) throw new StopJob('memory_limit');
    };
    // Every DocuSign call of the job: bounded, and spaced to the job's share of the hourly budget.
    const get: EsignatureGet = async (path, query) => {
      checkBounds();
      const wait = lastCallAt + spacingMs - deps.now();
      if (wait > 0) await deps.sleep(wait);
      lastCallAt = deps.now();
      pages++;
      return upstreamGet(path, query);
    };
    const checkpoint = async (set: Partial<typeof utilizationSyncState.$inferInsert>) => {
      const now = deps.now();
      const renew = now - renewedAt >= limits.leaseMs / 3;
      const updated = await deps.db
        .update(utilizationSyncState)
        .set({
          ...set,
          jobPages: pages,
          jobUpdatedAt: new Date(now),
          ...(renew ? { leaseUntil: new Date(now + limits.leaseMs) } : {}),
        })
        .where(where)
        .returning({ holder: utilizationSyncState.leaseHolder });
      if (updated.length === 0) throw new StopJob('lost_lease');
      if (renew) renewedAt = now;
    };

    try {
      if (state.jobPhase === 'users') {
        let position = 0;
        let start: number | null = 0;
        while (start !== null) {
          const page = await readPage(get, '/users', {}, 'users', start);
          const values = page.items
            .map((u) => listedUser(u))
            .filter((u): u is typeof u & { userId: string } => u.userId !== undefined)
            .map((u) => ({ ...key, ...u, position: position++, listedBy }));
          if (values.length > 0) {
            await deps.db
              .insert(utilizationUsers)
              .values(values)
              .onConflictDoUpdate({
                target: [
                  utilizationUsers.integratedAccountId,
                  utilizationUsers.accountId,
                  utilizationUsers.userId,
                ],
                set: {
                  name: sql`excluded.name`,
                  email: sql`excluded.email`,
                  status: sql`excluded.status`,
                  addedAt: sql`excluded.added_at`,
                  listedBy: sql`excluded.listed_by`,
                  // A user listed again (a DocuSign repeating its pages) keeps its first place.
                  position: sql`case when ${utilizationUsers.listedBy} = excluded.listed_by then ${utilizationUsers.position} else excluded.position end`,
                },
              });
          }
          start = page.next;
          await checkpoint({});
        }
        // Users no longer listed leave the snapshot once a listing completes.
        await deps.db
          .delete(utilizationUsers)
          .where(
            and(
              eq(utilizationUsers.integratedAccountId, row.id),
              eq(utilizationUsers.accountId, account.id),
              ne(utilizationUsers.listedBy, listedBy),
            ),
          );
        const [{ n }] = (await deps.db
          .select({ n: sql<number>`count(*)::int` })
          .from(utilizationUsers)
          .where(
            and(eq(utilizationUsers.integratedAccountId, row.id), eq(utilizationUsers.accountId, account.id)),
          )) as [{ n: number }];
        await checkpoint({ jobPhase: 'envelopes', jobNextUser: 0, jobUserCount: n });
        state = { ...state, jobPhase: 'envelopes', jobNextUser: 0, jobUserCount: n };
      }

      if (state.jobPhase === 'envelopes') {
        let next = state.jobNextUser;
        for (;;) {
          // User ids in batches by position, never the whole list in memory.
          const batch = await deps.db
            .select({ userId: utilizationUsers.userId, position: utilizationUsers.position })
            .from(utilizationUsers)
            .where(
              and(
                eq(utilizationUsers.integratedAccountId, row.id),
                eq(utilizationUsers.accountId, account.id),
                gte(utilizationUsers.position, next),
              ),
            )
            .orderBy(asc(utilizationUsers.position))
            .limit(USER_BATCH);
          if (batch.length === 0) break;
          for (const { userId, position } of batch) {
            const counts = new Map<string, number>();
            let start: number | null = 0;
            while (start !== null) {
              const page = await readPage(
                get,
                '/envelopes',
                sentEnvelopesQuery(userId, fromMs, toMs),
                'envelopes',
                start,
              );
              countSent(counts, page.items, userId, fromMs, toMs);
              start = page.next;
            }
            await storeEnvelopeCounts(deps.db, key, userId, counts);
            next = position + 1;
            await checkpoint({ jobNextUser: next });
          }
        }
        await checkpoint({ jobPhase: 'templates' });
        state = { ...state, jobPhase: 'templates' };
      }

      if (state.jobPhase === 'templates') {
        const counts = new Map<string, number>();
        let start: number | null = 0;
        while (start !== null) {
          const page = await readPage(
            get,
            '/templates',
            createdTemplatesQuery(fromMs, toMs),
            'envelopeTemplates',
            start,
          );
          countCreated(counts, page.items, fromMs, toMs);
          start = page.next;
          await checkpoint({});
        }
        await storeTemplateCounts(deps.db, key, counts);
      }

      const at = new Date(deps.now());
      await deps.db
        .update(utilizationSyncState)
        .set({
          syncedThrough: state.jobTo,
          firstSyncedAt: sql`coalesce(${utilizationSyncState.firstSyncedAt}, ${at.toISOString()}::timestamptz)`,
          lastSyncedAt: at,
          jobStatus: 'completed',
          jobPhase: null,
          jobPages: pages,
          jobUpdatedAt: at,
          leaseUntil: null,
          leaseHolder: null,
        })
        .where(where);
      return 'completed';
    } catch (error) {
      if (error instanceof StopJob && error.reason === 'lost_lease') return 'lost_lease';
      if (error instanceof StopJob && error.reason === 'shutdown') {
        // Left `running` at its checkpoint, with the lease given back so the next process resumes at once.
        await releaseRowLease(deps.db, lease, deps.holder);
        return 'interrupted';
      }
      const stopped = error instanceof StopJob;
      await deps.db
        .update(utilizationSyncState)
        .set({
          jobStatus: stopped ? 'stopped' : 'failed',
          jobStopReason: stopped ? error.reason : loggableMessage(error),
          jobPages: pages,
          jobUpdatedAt: new Date(deps.now()),
          leaseUntil: null,
          leaseHolder: null,
        })
        .where(where);
      deps.logger.warn(stopped ? 'utilization sync stopped at a bound' : 'utilization sync failed', {
        integrated_account_id: row.id,
        account_id: account.id,
        reason: stopped ? error.reason : loggableMessage(error),
      });
      return stopped ? 'stopped' : 'failed';
    }
  }

  const keyOf = (row: IntegratedAccountRow, account: DiscoveredAccount) => `${row.id}\u0000${account.id}`;

  /** Runs the account's job now, or joins the run this process already has (one run per account per process). */
  function run(row: IntegratedAccountRow, account: DiscoveredAccount): Promise<JobOutcome> {
    const key = keyOf(row, account);
    let current = running.get(key);
    if (!current) {
      current = runJob(row, account).finally(() => running.delete(key));
      running.set(key, current);
    }
    return current;
  }

  return {
    limits,
    run,
    /** Starts the job in the background (no-op when this process runs it already). */
    start(row: IntegratedAccountRow, account: DiscoveredAccount): void {
      run(row, account).catch((error: unknown) =>
        deps.logger.warn('utilization sync failed', {
          integrated_account_id: row.id,
          account_id: account.id,
          error: loggableMessage(error),
        }),
      );
    },
    /** Whether this process runs the account's job right now. */
    isRunning: (row: IntegratedAccountRow, account: DiscoveredAccount) => running.has(keyOf(row, account)),
    /** Waits for every run in progress (tests, benchmarks). */
    async idle(): Promise<void> {
      await Promise.allSettled([...running.values()]);
    },
    /** Shutdown: runs in progress stop before their next DocuSign call, keep their checkpoint and release their leases. */
    async close(): Promise<void> {
      closing = true;
      await Promise.allSettled([...running.values()]);
    },
    /** The job as the API shows it. */
    status(accountId: string, state: SyncStateRow | undefined): SyncStatus {
      return syncStatusOf(accountId, state, deps.now(), limits);
    },
  };
}

export type UtilizationJobs = ReturnType<typeof createUtilizationJobs>;

function syncStatusOf(
  accountId: string,
  state: SyncStateRow | undefined,
  now: number,
  limits: SyncLimits,
): SyncStatus {
  const status = state?.jobStatus;
  const usersTotal = state?.jobUserCount ?? 0;
  const usersDone =
    state?.jobPhase === 'templates' || status === 'completed' ? usersTotal : (state?.jobNextUser ?? 0);
  let estimate: string | null = null;
  if (status === 'running' && state?.jobStartedAt) {
    const started = state.jobStartedAt.getTime();
    const perUser = usersDone > 0 ? (now - started) / usersDone : 3_600_000 / limits.callsPerHour;
    const remaining = state.jobPhase === 'users' ? Math.max(usersTotal, 1) : usersTotal - usersDone;
    estimate = new Date(now + Math.max(0, remaining) * perUser).toISOString();
  }
  return {
    account_id: accountId,
    status:
      status === 'running' || status === 'completed' || status === 'stopped' || status === 'failed'
        ? status
        : state?.syncedThrough
          ? 'completed'
          : 'not_started',
    synced_through: state?.syncedThrough ?? null,
    phase: status === 'running' ? (state?.jobPhase ?? null) : null,
    progress: { users_total: usersTotal, users_done: usersDone, pages_read: state?.jobPages ?? 0 },
    started_at: state?.jobStartedAt?.toISOString() ?? null,
    updated_at: state?.jobUpdatedAt?.toISOString() ?? null,
    estimated_completion_at: estimate,
    reason: status === 'stopped' || status === 'failed' ? (state?.jobStopReason ?? null) : null,
  };
}
