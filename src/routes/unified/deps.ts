import type { AccountCache } from '../../connections/account-cache';
import type { Database } from '../../db/client';
import type { UnifiedDeps } from '../../unified/execute';
import type { UtilizationJobs } from '../../utilization/sync-job';

/** What the unified routes need: the mapping runtime plus the database (connections, aggregates) and the jobs. */
export type UnifiedRouteDeps = UnifiedDeps & {
  db: Database;
  accounts: AccountCache;
  utilization: UtilizationJobs;
};
