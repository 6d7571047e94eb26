/** Where the sync jobs of the accounts a call covers stand, starting the ones that are due. */
import type { IntegratedAccountRow } from '../connections/integrated-accounts';
import type { Database } from '../db/client';
import type { DiscoveredAccount } from '../db/schema/index';
import { dayOf, readSyncState } from './store';
import type { SyncStatus, UtilizationJobs } from './sync-job';

/**
 * Each account's sync status. An account whose aggregates lag behind today gets its job started in the background
 * (a job that stopped at a bound or failed is left to the periodic pass, which retries it later). `pending` is true
 * while some account's first sync has not finished: there is nothing to answer for it yet.
 */
export async function syncStatuses(
  deps: { db: Database; now: () => number; utilization: UtilizationJobs },
  row: IntegratedAccountRow,
  accounts: DiscoveredAccount[],
): Promise<{ statuses: SyncStatus[]; pending: boolean }> {
  const today = dayOf(deps.now());
  const statuses: SyncStatus[] = [];
  let pending = false;
  for (const account of accounts) {
    const state = await readSyncState(deps.db, row.id, account.id);
    const ended = state?.jobStatus === 'stopped' || state?.jobStatus === 'failed';
    const lagging = !state?.syncedThrough || state.syncedThrough < today;
    let status = deps.utilization.status(account.id, state);
    if (lagging && !ended) {
      deps.utilization.start(row, account);
      if (status.status !== 'running') status = { ...status, status: 'running' };
    }
    if (!state?.syncedThrough && !ended) pending = true;
    statuses.push(status);
  }
  return { statuses, pending };
}
