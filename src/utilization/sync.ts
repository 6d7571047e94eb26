import { and, eq, isNotNull, lt } from 'drizzle-orm';
import { coveredAccounts } from '../connections/integrated-accounts';
import { integratedAccounts } from '../db/schema/index';
import { utilizationSyncState } from '../db/schema/utilization';
import { loggableMessage } from '../http/loggable-error';
import type { Logger } from '../http/logger';
import { createPeriodicJob } from '../jobs/periodic-job';
import { dayOf, syncAccount, type UtilizationStoreDeps } from './store';

export interface UtilizationSyncOptions extends UtilizationStoreDeps {
  logger: Logger;
  /** How often to look for accounts whose aggregates lag behind today (a run is one query when nothing is due). */
  intervalMs: number;
}

/** What one pass did. */
export interface UtilizationSyncResult {
  synced: number;
  upToDate: number;
  busy: number;
  failed: number;
}

/**
 * The daily utilization job: for every DocuSign account whose utilization has been asked for once (it has a
 * sync state) on an active connection, fetches the days since `synced_through`. Safe in several processes: each
 * account is synced under its lease, and an account another process holds is skipped (`busy`).
 */
export function createUtilizationSync(options: UtilizationSyncOptions) {
  const runOnce = async (): Promise<UtilizationSyncResult> => {
    const result: UtilizationSyncResult = { synced: 0, upToDate: 0, busy: 0, failed: 0 };
    const tracked = await options.db
      .select({ row: integratedAccounts, accountId: utilizationSyncState.accountId })
      .from(utilizationSyncState)
      .innerJoin(integratedAccounts, eq(integratedAccounts.id, utilizationSyncState.integratedAccountId))
      .where(
        and(
          eq(integratedAccounts.status, 'active'),
          isNotNull(utilizationSyncState.syncedThrough),
          lt(utilizationSyncState.syncedThrough, dayOf(options.now())),
        ),
      );
    for (const { row, accountId } of tracked) {
      const account = coveredAccounts(row).find((a) => a.id === accountId);
      if (!account) continue;
      try {
        const outcome = await syncAccount(options, row, account);
        if (outcome === 'synced') result.synced++;
        else if (outcome === 'busy') result.busy++;
        else result.upToDate++;
      } catch (error) {
        result.failed++;
        options.logger.warn('utilization sync failed', {
          integrated_account_id: row.id,
          account_id: accountId,
          error: loggableMessage(error),
        });
      }
    }
    return result;
  };

  return createPeriodicJob(runOnce, options.intervalMs);
}
