import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { coveredAccounts, getIntegratedAccount } from '../../../src/connections/integrated-accounts';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import type { UpstreamClient } from '../../../src/upstream/client';
import { listedUserIds, readSyncState } from '../../../src/utilization/store';
import { createUtilizationSync } from '../../../src/utilization/sync';
import { createUtilizationJobs, type UtilizationJobDeps } from '../../../src/utilization/sync-job';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

const DAY = 86_400_000;
// Noon UTC, so "today" has activity before and after the clock.
let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
const now = () => clock;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let t: ConnectedApp;
let conn: string;
let readOnly: string;
let account: SimAccount;
let accountId: string;

beforeAll(async () => {
  t = await createConnectedApp({
    sim: {
      now,
      scale: { users: 12, envelopes: 90, templates: 12, groups: 2 },
      // Days pass in the job test; a token that outlives them keeps these tests about the job itself. The JWT
      // re-grant inside the job (reported to deadlock on PGlite; not reproduced) has its own test:
      // utilization-jwt-regrant.test.ts.
      jwtAccessTokenTtlSeconds: 10 * 86_400,
    },
    // The gateway's waits (upstream budget, retries) advance the fake clock instead of spinning on a frozen one.
    app: {
      now,
      sleep: async (ms: number) => {
        clock += ms;
      },
    },
  });
  conn = await t.connect();
  readOnly = await t.connect({ permission: 'read' });
  accountId = t.sim.defaults.accountIds[0]!;
  account = t.sim.account(accountId)!;
});
afterAll(() => t.close());

/** Counts from the simulator's own state, for [fromDay, toDay] inclusive. */
function expected(fromDay: string, toDay: string) {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const to = Date.parse(`${toDay}T00:00:00Z`) + DAY;
  const counts = new Map<string, { sent: number; templates: number }>();
  for (const m of account.members) counts.set(m.userId, { sent: 0, templates: 0 });
  const of = (id: string) => {
    const c = counts.get(id) ?? { sent: 0, templates: 0 };
    counts.set(id, c);
    return c;
  };
  for (const e of account.envelopes)
    if (e.sentMs !== undefined && e.sentMs >= from && e.sentMs < to) of(e.senderUserId).sent++;
  for (const tpl of account.templates)
    if (tpl.createdMs >= from && tpl.createdMs < to) of(tpl.ownerUserId).templates++;
  return counts;
}

const url = (query: Record<string, string>) =>
  `/unified/user-directory/utilization?${new URLSearchParams({ integrated_account_id: conn, ...query })}`;

async function allRows(query: Record<string, string>) {
  const rows = [];
  let cursor: string | null = null;
  do {
    const res = await t.request(url({ ...query, limit: '500', ...(cursor ? { cursor } : {}) }));
    expect(res.status).toBe(200);
    const body = await json(res);
    rows.push(...body.result);
    cursor = body.next_cursor;
  } while (cursor);
  return rows;
}

const isEnvelopeList = (e: { path: string }) => e.path.endsWith('/envelopes');

/** The first call answers 202 while the first sync runs in the background; this waits for it. */
async function firstSync(connection: string) {
  const res = await t.request(`/unified/user-directory/utilization?integrated_account_id=${connection}`);
  expect(res.status).toBe(202);
  expect(res.headers.get('retry-after')).toBe('30');
  const body = await json(res);
  await t.app.services.utilization.idle();
  return body;
}

/** A second runner, as another gateway process would have, on the same database and DocuSign. */
const runner = (holder: string, extra: Partial<UtilizationJobDeps> = {}) =>
  createUtilizationJobs({
    db: t.db,
    upstream: t.app.services.upstream,
    now,
    sleep: async (ms: number) => {
      clock += ms;
    },
    logger: t.logger,
    holder,
    ...extra,
  });

describe('GET /unified/user-directory/utilization', () => {
  it('answers 202 with the job while the first sync runs, then rows equal to the simulator state', async () => {
    const pending = await firstSync(conn);
    expect(pending.sync_status).toEqual([
      expect.objectContaining({ account_id: accountId, status: 'running', synced_through: null }),
    ]);
    const yesterday = dayOf(clock - DAY);
    const start = dayOf(clock - 360 * DAY);
    const rows = await allRows({ period_start: start, period_end: yesterday });
    const want = expected(start, yesterday);
    expect(rows).toHaveLength(want.size);
    for (const row of rows) {
      const w = want.get(row.user_id)!;
      expect(row).toMatchObject({
        account_id: accountId,
        period_start: start,
        period_end: yesterday,
        envelopes_sent: w.sent,
        templates_created: w.templates,
        is_active: w.sent + w.templates > 0,
      });
    }
    expect(
      rows.reduce((n: number, r: { envelopes_sent: number }) => n + r.envelopes_sent, 0),
    ).toBeGreaterThan(0);
    // The first sync asked DocuSign for sent envelopes from 360 days ago, user by user, and for created templates.
    const envelopeCalls = t.sim.log.filter(isEnvelopeList);
    expect(envelopeCalls.some((e) => e.query.from_date === `${dayOf(clock - 360 * DAY)}T00:00:00.000Z`)).toBe(
      true,
    );
    expect(envelopeCalls.every((e) => e.query.from_to_status === 'sent')).toBe(true);
    expect(new Set(envelopeCalls.map((e) => e.query.user_id)).size).toBe(account.members.length);
    const done = await json(await t.request(url({ limit: '1' })));
    expect(done.sync_status[0]).toMatchObject({
      status: 'completed',
      synced_through: dayOf(clock),
      progress: { users_total: account.members.length, users_done: account.members.length },
    });
  });

  it('does not call DocuSign again for stored days (the current day is not counted until it ends)', async () => {
    t.sim.log.clear();
    await allRows({ period_start: dayOf(clock - 100 * DAY), period_end: dayOf(clock - DAY) });
    await allRows({ period_start: dayOf(clock - 10 * DAY), period_end: dayOf(clock) });
    expect(t.sim.log.count(isEnvelopeList)).toBe(0);
  });

  it('lists idle users with zeros and is_active false, and active ones with true', async () => {
    const day = dayOf(clock - 3 * DAY);
    const rows = await allRows({ period_start: day, period_end: day });
    const want = expected(day, day);
    expect(rows).toHaveLength(account.members.length);
    const idle = rows.filter((r: { is_active: boolean }) => !r.is_active);
    expect(idle.length).toBeGreaterThan(0);
    for (const r of idle) expect([r.envelopes_sent, r.templates_created]).toEqual([0, 0]);
    for (const r of rows)
      expect(r.is_active).toBe(want.get(r.user_id)!.sent + want.get(r.user_id)!.templates > 0);
  });

  it('splits the range by month, week and day, clipped to the range', async () => {
    const userId = t.sim.defaults.userId;
    const start = '2026-09-15';
    const end = '2026-11-10';
    const months = await allRows({
      period_start: start,
      period_end: end,
      granularity: 'month',
      user_id: userId,
    });
    expect(
      months.map((r: { period_start: string; period_end: string }) => [r.period_start, r.period_end]),
    ).toEqual([
      ['2026-09-15', '2026-09-30'],
      ['2026-10-01', '2026-10-31'],
      ['2026-11-01', '2026-11-10'],
    ]);
    const weeks = await allRows({
      period_start: start,
      period_end: end,
      granularity: 'week',
      user_id: userId,
    });
    expect(weeks[0]).toMatchObject({ period_start: '2026-09-15', period_end: '2026-09-20' }); // Tue..Sun
    expect(weeks[1]).toMatchObject({ period_start: '2026-09-21', period_end: '2026-09-27' });
    const days = await allRows({ period_start: start, period_end: end, granularity: 'day', user_id: userId });
    expect(days).toHaveLength(57);
    const total = (rows: { envelopes_sent: number }[]) => rows.reduce((n, r) => n + r.envelopes_sent, 0);
    expect(total(days)).toBe(total(months));
    expect(total(weeks)).toBe(expected(start, end).get(userId)!.sent);
  });

  it('pages with a cursor bound to the filters', async () => {
    t.sim.log.clear();
    const first = await json(await t.request(url({ limit: '5' })));
    expect(first.result).toHaveLength(5);
    // The default period: the 30 complete days ending yesterday, all from stored aggregates.
    expect(first.result[0]).toMatchObject({
      period_start: dayOf(clock - 30 * DAY),
      period_end: dayOf(clock - DAY),
    });
    expect(t.sim.log.count(isEnvelopeList)).toBe(0);
    const second = await json(await t.request(url({ limit: '5', cursor: first.next_cursor })));
    expect(second.result[0].user_id).not.toBe(first.result[0].user_id);
    const wrong = await t.request(url({ limit: '5', granularity: 'week', cursor: first.next_cursor }));
    expect(wrong.status).toBe(400);
  });

  it.each([
    [{ period_start: '2026-11-10', period_end: '2026-11-01' }, 'period_start'],
    [{ period_start: '2025-01-01', period_end: '2026-11-01' }, 'period_end'],
    [{ period_start: '2025-11-01', period_end: '2025-11-30' }, 'period_start'],
    [{ period_end: '2026-12-01' }, 'period_end'],
  ])('rejects an invalid range %o with 400', async (query, param) => {
    const res = await t.request(url(query));
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details).toMatchObject({ param });
  });

  it('rejects a malformed date and an unknown granularity', async () => {
    expect((await t.request(url({ period_start: '2026-02-30' }))).status).toBe(400);
    expect((await t.request(url({ granularity: 'year' }))).status).toBe(400);
  });

  it('is readable on a read connection (utilization only reads)', async () => {
    await firstSync(readOnly);
    const res = await t.request(
      `/unified/user-directory/utilization?integrated_account_id=${readOnly}&period_start=${dayOf(clock - DAY)}&period_end=${dayOf(clock - DAY)}`,
    );
    expect(res.status).toBe(200);
  });
});

describe('utilization daily job', () => {
  it('adds only the new days after synced_through', async () => {
    // Two days pass; an envelope is sent on each of them by the connected user.
    const sender = t.sim.defaults.userId;
    const sendOneEnvelope = async () => {
      const res = await t.request(`/proxy/esignature/envelopes?integrated_account_id=${conn}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          status: 'sent',
          emailSubject: 'Job test',
          documents: [
            { documentId: '1', name: 'a.pdf', fileExtension: 'pdf', documentBase64: 'JVBERi0xLjQK' },
          ],
          recipients: {
            signers: [{ recipientId: '1', name: 'Sig Ner', email: 'signer@example.com', routingOrder: '1' }],
          },
        }),
      });
      expect(res.status).toBe(201);
    };
    const job = createUtilizationSync({
      db: t.db,
      now,
      jobs: t.app.services.utilization,
      intervalMs: 60_000,
    });
    clock += DAY;
    await sendOneEnvelope();
    clock += DAY;
    await sendOneEnvelope();
    t.sim.log.clear();
    const result = await job.runOnce();
    expect(result).toMatchObject({ completed: 2, failed: 0 }); // both connections
    const envelopeCalls = t.sim.log.filter(isEnvelopeList);
    expect(envelopeCalls.length).toBeGreaterThan(0);
    // Only the two days since the last sync were fetched, not the history again.
    expect(new Set(envelopeCalls.map((e) => e.query.from_date))).toEqual(
      new Set([`${dayOf(clock - 2 * DAY)}T00:00:00.000Z`]),
    );
    t.sim.log.clear();
    const yesterday = dayOf(clock - DAY);
    const rows = await allRows({ period_start: yesterday, period_end: yesterday, user_id: sender });
    expect(rows[0]).toMatchObject({ envelopes_sent: expected(yesterday, yesterday).get(sender)!.sent });
    expect(rows[0].envelopes_sent).toBeGreaterThanOrEqual(1);
    expect(t.sim.log.count(isEnvelopeList)).toBe(0);
    // A second run the same day has nothing to do.
    expect(await job.runOnce()).toMatchObject({ completed: 0 });
  });
});

describe('utilization sync job', () => {
  const fresh = async () => {
    const id = await t.connect();
    const row = await getIntegratedAccount(t.db, t.environmentId, id);
    return { id, row, target: coveredAccounts(row)[0]! };
  };
  type Fresh = Awaited<ReturnType<typeof fresh>>;

  /** Checks that the job reports a stop with `expected` (reason, progress) for `f`'s account; returns its state. */
  const expectStopped = async (
    jobs: ReturnType<typeof runner>,
    f: Fresh,
    expected: { reason: string } & Record<string, unknown>,
  ) => {
    const state = await readSyncState(t.db, f.id, f.target.id);
    expect(jobs.status(f.target.id, state)).toMatchObject({ status: 'stopped', ...expected });
    return state!;
  };

  it('runs once across processes: one syncs, the other finds it busy, and the history is fetched once', async () => {
    const { id, row, target } = await fresh();
    t.sim.log.clear();
    const outcomes = await Promise.all([
      runner('process-a').run(row, target),
      runner('process-b').run(row, target),
    ]);
    // Exactly one syncs; the other finds the lease held (busy) or, if the first already finished, nothing to do.
    expect(outcomes.filter((outcome) => outcome === 'completed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== 'completed')).toEqual([
      expect.stringMatching(/^(busy|up_to_date)$/),
    ]);
    expect(t.sim.log.count(isEnvelopeList)).toBe(account.members.length);
    const state = await readSyncState(t.db, id, target.id);
    expect(state).toMatchObject({ syncedThrough: dayOf(clock), leaseUntil: null, leaseHolder: null });
    expect(await runner('process-b').run(row, target)).toBe('up_to_date');
  });

  it('runs once within a process: a second start joins the run instead of taking over its own lease', async () => {
    const { row, target } = await fresh();
    const jobs = runner('process-c');
    t.sim.log.clear();
    const first = jobs.run(row, target);
    const second = jobs.run(row, target);
    expect(second).toBe(first);
    expect(jobs.isRunning(row, target)).toBe(true);
    expect(await first).toBe('completed');
    expect(t.sim.log.count(isEnvelopeList)).toBe(account.members.length);
  });

  it('resumes after a crash from its checkpoint, in another process once the lease expires', async () => {
    const { id, row, target } = await fresh();
    t.sim.log.clear();
    // Process D dies after a few calls: its next wait never ends, and its lease is left behind.
    let calls = 0;
    const dying = runner('process-d', {
      sleep: (ms: number) => {
        calls++;
        if (calls > 6) return new Promise<void>(() => {});
        clock += ms;
        return Promise.resolve();
      },
    });
    void dying.run(row, target);
    await vi.waitFor(() => expect(calls).toBeGreaterThan(6));
    const crashed = (await readSyncState(t.db, id, target.id))!;
    expect(crashed).toMatchObject({ jobStatus: 'running', leaseHolder: 'process-d', syncedThrough: null });
    const done = crashed.jobNextUser;
    expect(done).toBeGreaterThan(0);
    // Another process cannot take the account while the lease lasts, then resumes after it expires.
    expect(await runner('process-e').run(row, target)).toBe('busy');
    clock += 10 * 60_000;
    const before = t.sim.log.count(isEnvelopeList);
    expect(await runner('process-e').run(row, target)).toBe('completed');
    const resumedCalls = t.sim.log.count(isEnvelopeList) - before;
    // Users before the checkpoint were not read again (the user being read at the crash is).
    expect(resumedCalls).toBe(account.members.length - done);
    const state = await readSyncState(t.db, id, target.id);
    expect(state).toMatchObject({ jobStatus: 'completed', syncedThrough: dayOf(clock) });
    const res = await t.request(
      `/unified/user-directory/utilization?integrated_account_id=${id}&period_start=${dayOf(clock - 300 * DAY)}&period_end=${dayOf(clock - DAY)}&limit=500`,
    );
    const body = await json(res);
    const want = expected(dayOf(clock - 300 * DAY), dayOf(clock - DAY));
    for (const r of body.result) expect(r.envelopes_sent).toBe(want.get(r.user_id)!.sent);
  });

  it('on shutdown keeps its checkpoint and gives the lease back, so the next process resumes at once', async () => {
    const { id, row, target } = await fresh();
    let calls = 0;
    let closing: Promise<void> | undefined;
    const stopping = runner('process-g', {
      sleep: async (ms: number) => {
        clock += ms;
        if (++calls === 5) closing = stopping.close();
      },
    });
    expect(await stopping.run(row, target)).toBe('interrupted');
    await closing;
    const state = (await readSyncState(t.db, id, target.id))!;
    expect(state).toMatchObject({ jobStatus: 'running', leaseHolder: null, leaseUntil: null });
    expect(state.jobNextUser).toBeGreaterThan(0);
    expect(await runner('process-h').run(row, target)).toBe('completed');
  });

  it('stops at its page bound when DocuSign never ends its paging, says so, and keeps only distinct users', async () => {
    const f = await fresh();
    const { id, row, target } = f;
    const upstream = t.app.services.upstream;
    // A spec-legal but endless users list: a non-numeric totalSetSize, a nextUri on every page, the same page again.
    const endless: UpstreamClient = {
      ...upstream,
      json: async <T>(req: Parameters<UpstreamClient['json']>[0]) => {
        const isUsers = new URL(req.url).pathname.endsWith('/users');
        const body = await upstream.json<Record<string, unknown>>(
          isUsers ? { ...req, url: String(req.url).replace(/start_position=\d+/, 'start_position=0') } : req,
        );
        return (isUsers ? { ...body, totalSetSize: 'many', nextUri: '/users?start_position=1' } : body) as T;
      },
    };
    const jobs = runner('process-f', { upstream: endless, limits: { maxPages: 40 } });
    expect(await jobs.run(row, target)).toBe('stopped');
    await expectStopped(jobs, f, { reason: 'page_limit', progress: { pages_read: 40 } });
    const users = await listedUserIds(t.db, id, target.id);
    expect(users.length).toBeLessThanOrEqual(account.members.length);
    expect(new Set(users).size).toBe(users.length);
    // The API says so too, with what was read (a stopped first sync answers 200, not 202 forever).
    const res = await t.request(`/unified/user-directory/utilization?integrated_account_id=${id}`);
    expect(res.status).toBe(200);
    expect((await json(res)).sync_status[0]).toMatchObject({ status: 'stopped', reason: 'page_limit' });
  });

  it('stops at its time bound and at its memory bound, and says which', async () => {
    // One call every 5 minutes of the fake clock, 30 minutes allowed: it stops after a few of its ~14 calls.
    const timed = await fresh();
    const slow = runner('process-i', { limits: { callsPerHour: 12, maxRunMs: 30 * 60_000 } });
    expect(await slow.run(timed.row, timed.target)).toBe('stopped');
    const timedState = await expectStopped(slow, timed, { reason: 'time_limit' });
    expect(timedState.jobPages).toBeLessThan(account.members.length);

    // A heap that grows 10 MB per call against a 50 MB bound.
    const heavy = await fresh();
    let heap = 0;
    const growing = runner('process-j', {
      limits: { maxHeapGrowthBytes: 50 * 1024 * 1024 },
      heapUsed: () => {
        heap += 10 * 1024 * 1024;
        return heap;
      },
    });
    expect(await growing.run(heavy.row, heavy.target)).toBe('stopped');
    const heavyState = await expectStopped(growing, heavy, { reason: 'memory_limit' });
    expect(heavyState.jobPages).toBeLessThan(account.members.length);
    const res = await t.request(`/unified/user-directory/utilization?integrated_account_id=${heavy.id}`);
    expect((await json(res)).sync_status[0]).toMatchObject({ status: 'stopped', reason: 'memory_limit' });
  });
});
