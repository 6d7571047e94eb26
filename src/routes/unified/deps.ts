import type { AccountCache } from '../../connections/account-cache';
import type { Database } from '../../db/client';
import type { UnifiedDeps } from '../../unified/execute';

/** What the unified routes need: the mapping runtime plus the database (connections, aggregates). */
export type UnifiedRouteDeps = UnifiedDeps & { db: Database; accounts: AccountCache };
