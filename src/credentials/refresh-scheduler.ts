import { and, asc, eq, isNotNull, lt } from 'drizzle-orm';
import type { Database } from '../db/client';
import { integratedAccounts } from '../db/schema/index';
import { loggableMessage } from '../http/loggable-error';
import type { Logger } from '../http/logger';
import { createPeriodicJob } from '../jobs/periodic-job';
import type { TokenManager } from './token-manager';

export interface RefreshSchedulerOptions {
  db: Database;
  tokens: TokenManager;
  logger: Logger;
  now: () => number;
  /** How often to look for tokens nearing expiry. */
  intervalMs: number;
  /** Refresh tokens that expire within this horizon (longer than the interval, so none lapses between runs). */
  horizonMs: number;
  /** At most this many accounts per run. */
  batchSize?: number;
}

/**
 * Refreshes tokens nearing expiry even when nobody calls DocuSign, so a quiet connection's refresh token
 * (30 days) never lapses. Safe in several processes at once: the token manager takes the row lock and re-reads,
 * so each token is refreshed once however many schedulers see it.
 */
export function createRefreshScheduler(options: RefreshSchedulerOptions) {
  /** One pass; returns how many accounts were refreshed. */
  const runOnce = async (): Promise<number> => {
    const due = await options.db
      .select({ id: integratedAccounts.id })
      .from(integratedAccounts)
      .where(
        and(
          eq(integratedAccounts.status, 'active'),
          isNotNull(integratedAccounts.accessTokenExpiresAt),
          lt(integratedAccounts.accessTokenExpiresAt, new Date(options.now() + options.horizonMs)),
        ),
      )
      .orderBy(asc(integratedAccounts.accessTokenExpiresAt))
      .limit(options.batchSize ?? 100);
    let refreshed = 0;
    for (const { id } of due) {
      try {
        await options.tokens.getAccessToken(id, { minValidityMs: options.horizonMs });
        refreshed++;
      } catch (error) {
        options.logger.warn('scheduled token refresh failed', {
          integrated_account_id: id,
          error: loggableMessage(error),
        });
      }
    }
    return refreshed;
  };

  return createPeriodicJob(runOnce, options.intervalMs);
}
