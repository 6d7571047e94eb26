import { and, eq, isNotNull, lt } from 'drizzle-orm';
import { coveredAccounts } from '../connections/integrated-accounts';
import { integratedAccounts } from '../db/schema/index';
import { utilizationSyncState } from '../db/schema/utilization';
import type { Logger } from '../http/logger';
import { dayOf, syncAccount, type UtilizationStoreDeps } from './utilization-store';

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
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<UtilizationSyncResult> | null = null;

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
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return result;
  };

  return {
    /** One pass (concurrent calls share it). */
    runOnce: () => {
      running ??= runOnce().finally(() => {
        running = null;
      });
      return running;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        void this.runOnce();
      }, options.intervalMs);
      (timer as { unref?: () => void }).unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
