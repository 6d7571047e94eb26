import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { coveredAccounts } from '../connections/integrated-accounts';
import type { Database } from '../db/client';
import { integratedAccounts } from '../db/schema/index';
import { utilizationSyncState } from '../db/schema/utilization';
import { createPeriodicJob } from '../jobs/periodic-job';
import { dayOf } from './store';
import type { JobOutcome, UtilizationJobs } from './sync-job';

export interface UtilizationSyncOptions {
  db: Database;
  now: () => number;
  /** The process's job runner (the same one the API starts jobs with). */
  jobs: UtilizationJobs;
  /** How often to look for accounts whose aggregates lag behind today (one query when nothing is due). */
  intervalMs: number;
}

/** What one pass did, per job outcome. */
export type UtilizationSyncResult = Record<JobOutcome, number>;

/**
 * The periodic utilization pass: for every DocuSign account whose utilization has been asked for once (it has a
 * sync state) on an active connection, runs its job when the aggregates lag behind today or a job was interrupted
 * (its lease expired: a crash or restart), and again after `retryStoppedAfterMs` when a job stopped at a bound or
 * failed. Safe in several processes: each job runs under its lease, and an account another process holds is `busy`.
 */
export function createUtilizationSync(options: UtilizationSyncOptions) {
  const runOnce = async (): Promise<UtilizationSyncResult> => {
    const result: UtilizationSyncResult = {
      completed: 0,
      up_to_date: 0,
      busy: 0,
      stopped: 0,
      failed: 0,
      lost_lease: 0,
      interrupted: 0,
    };
    const now = options.now();
    const retryBefore = new Date(now - options.jobs.limits.retryStoppedAfterMs);
    const due = await options.db
      .select({ row: integratedAccounts, accountId: utilizationSyncState.accountId })
      .from(utilizationSyncState)
      .innerJoin(integratedAccounts, eq(integratedAccounts.id, utilizationSyncState.integratedAccountId))
      .where(
        and(
          eq(integratedAccounts.status, 'active'),
          or(isNull(utilizationSyncState.syncedThrough), lt(utilizationSyncState.syncedThrough, dayOf(now))),
          or(isNull(utilizationSyncState.leaseUntil), lt(utilizationSyncState.leaseUntil, new Date(now))),
          or(
            eq(utilizationSyncState.jobStatus, 'running'),
            eq(utilizationSyncState.jobStatus, 'completed'),
            eq(utilizationSyncState.jobStatus, 'idle'),
            lt(utilizationSyncState.jobUpdatedAt, retryBefore),
          ),
        ),
      );
    for (const { row, accountId } of due) {
      const account = coveredAccounts(row).find((a) => a.id === accountId);
      if (!account) continue;
      result[await options.jobs.run(row, account)]++;
    }
    return result;
  };
  return createPeriodicJob(runOnce, options.intervalMs);
}
