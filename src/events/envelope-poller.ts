/**
 * Polling fallback for DocuSign Connect: per DocuSign account of every active connection, lists envelopes whose
 * status changed since a stored checkpoint (`from_date`, paged) and records the same events Connect would (the dedup
 * key makes a change seen by both sources one event). One poller per account at a time across processes (a lease
 * taken with one conditional upsert); the checkpoint is in the database, so it survives restarts. The upstream
 * client paces the calls within the account's rate budget.
 */

import { and, eq } from 'drizzle-orm';
import { coveredAccounts, type IntegratedAccountRow } from '../connections/integrated-accounts';
import { upstreamBudget } from '../connections/pacing';
import { type DiscoveredAccount, envelopePollState, integratedAccounts } from '../db/schema/index';
import { esignatureBase } from '../docusign/accounts';
import type { Logger } from '../http/logger';
import { createPeriodicJob } from '../jobs/periodic-job';
import { claimRowLease } from '../jobs/row-lease';
import type { EventsContext } from './context';
import { envelopeEvents } from './envelope-events';
import { type EventDraft, recordEvents } from './record-events';

export interface EnvelopePollerOptions extends EventsContext {
  logger: Logger;
  /** Unique per process: names the leases this poller holds. */
  holder: string;
  intervalMs: number;
  /** A poll in progress holds its account this long at most (default 5 minutes). */
  leaseMs?: number;
  /** Re-read this much before the checkpoint, for clock skew between DocuSign and the gateway (default 1 minute). */
  overlapMs?: number;
  /** Envelopes per page (default 100) and pages per pass (default 20); the rest waits for the next pass. */
  pageSize?: number;
  maxPages?: number;
}

export type PollOutcome = 'polled' | 'started' | 'busy';

export interface PollPassResult {
  polled: number;
  started: number;
  busy: number;
  failed: number;
  events: number;
}

interface EnvelopeList {
  envelopes?: Record<string, unknown>[];
}

/** Builds the poller (a PeriodicJob); `pollAccount` is exposed for tests. */
export function createEnvelopePoller(options: EnvelopePollerOptions) {
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const overlapMs = options.overlapMs ?? 60_000;
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 20;
  const key = (id: string, accountId: string) =>
    and(eq(envelopePollState.integratedAccountId, id), eq(envelopePollState.accountId, accountId));

  const claim = async (row: IntegratedAccountRow, accountId: string) => {
    const taken = await claimRowLease(
      options.db,
      { table: 'envelope_poll_state', key: { integrated_account_id: row.id, account_id: accountId } },
      { holder: options.holder, now: options.now(), leaseMs },
    );
    if (!taken) return undefined;
    const [state] = await options.db.select().from(envelopePollState).where(key(row.id, accountId));
    return state;
  };

  const finish = async (
    row: IntegratedAccountRow,
    accountId: string,
    set: { checkpoint?: Date; lastError: string | null },
  ) => {
    await options.db
      .update(envelopePollState)
      .set({ ...set, lastPolledAt: new Date(options.now()), leaseUntil: null, leaseHolder: null })
      .where(and(key(row.id, accountId), eq(envelopePollState.leaseHolder, options.holder)));
  };

  const pollAccount = async (
    row: IntegratedAccountRow,
    account: DiscoveredAccount,
  ): Promise<{ outcome: PollOutcome; events: number }> => {
    const state = await claim(row, account.id);
    if (!state) return { outcome: 'busy', events: 0 };
    const startedAt = options.now();
    if (!state.checkpoint) {
      // The first poll starts the history here: what happened before the connection was watched is not an event.
      await finish(row, account.id, { checkpoint: new Date(startedAt), lastError: null });
      return { outcome: 'started', events: 0 };
    }
    const since = state.checkpoint.getTime() - overlapMs;
    let recorded = 0;
    try {
      let checkpoint = new Date(startedAt);
      for (let page = 0; page < maxPages; page++) {
        const query = new URLSearchParams({
          from_date: new Date(since).toISOString(),
          from_to_status: 'changed',
          include: 'recipients,documents',
          order_by: 'status_changed',
          order: 'asc',
          start_position: String(page * pageSize),
          count: String(pageSize),
        });
        const body = await options.upstream.json<EnvelopeList>({
          integratedAccountId: row.id,
          ...upstreamBudget(row, account),
          method: 'GET',
          url: `${esignatureBase({ baseUri: account.base_uri, accountId: account.id })}/envelopes?${query}`,
          headers: { accept: 'application/json' },
        });
        const envelopes = body.envelopes ?? [];
        const drafts: EventDraft[] = [];
        for (const envelope of envelopes) {
          drafts.push(
            ...(await envelopeEvents(
              options,
              {
                environmentId: row.environmentId,
                integratedAccountId: row.id,
                accountId: account.id,
                organizationId: row.organizationId ?? account.organization_id ?? undefined,
                envelope,
              },
              { kind: 'poll', sinceMs: since },
            )),
          );
        }
        recorded += await recordEvents(options.db, drafts);
        if (envelopes.length < pageSize) break;
        if (page === maxPages - 1) {
          // More than one pass can read: continue next time from the last change read (ordered by status change).
          const last = Date.parse(String(envelopes.at(-1)?.statusChangedDateTime ?? ''));
          if (!Number.isNaN(last)) checkpoint = new Date(last);
        }
      }
      await finish(row, account.id, { checkpoint, lastError: null });
      return { outcome: 'polled', events: recorded };
    } catch (error) {
      await finish(row, account.id, { lastError: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };

  const runOnce = async (): Promise<PollPassResult> => {
    const result: PollPassResult = { polled: 0, started: 0, busy: 0, failed: 0, events: 0 };
    const rows = await options.db
      .select()
      .from(integratedAccounts)
      .where(eq(integratedAccounts.status, 'active'));
    for (const row of rows) {
      for (const account of coveredAccounts(row)) {
        try {
          const { outcome, events } = await pollAccount(row, account);
          result[outcome]++;
          result.events += events;
        } catch (error) {
          result.failed++;
          options.logger.warn('envelope status poll failed', {
            integrated_account_id: row.id,
            account_id: account.id,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
    return result;
  };

  return Object.assign(createPeriodicJob(runOnce, options.intervalMs), { pollAccount });
}
