import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coveredAccounts, getIntegratedAccount } from '../../../src/connections/integrated-accounts';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { readSyncState, syncAccount } from '../../../src/utilization/store';
import { createUtilizationSync } from '../../../src/utilization/sync';
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
      // Days pass in the job test; a token that outlives them keeps the test off the JWT re-grant path, which
      // deadlocks on PGlite (reported to the lead: the re-grant reads credentials outside the locking transaction).
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

describe('GET /unified/user-directory/utilization', () => {
  it('computes 360 days of history on the first call and stores daily aggregates equal to the simulator state', async () => {
    const today = dayOf(clock);
    const start = dayOf(clock - 359 * DAY);
    const rows = await allRows({ period_start: start, period_end: today });
    const want = expected(start, today);
    expect(rows).toHaveLength(want.size);
    for (const row of rows) {
      const w = want.get(row.user_id)!;
      expect(row).toMatchObject({
        account_id: accountId,
        period_start: start,
        period_end: today,
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
  });

  it('does not re-scan history on the next call (only today is read live)', async () => {
    t.sim.log.clear();
    const today = dayOf(clock);
    await allRows({ period_start: dayOf(clock - 100 * DAY), period_end: dayOf(clock - DAY) });
    expect(t.sim.log.count(isEnvelopeList)).toBe(0);
    await allRows({ period_start: dayOf(clock - 10 * DAY), period_end: today });
    const calls = t.sim.log.filter(isEnvelopeList);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((e) => e.query.from_date === `${today}T00:00:00.000Z`)).toBe(true);
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
      upstream: t.app.services.upstream,
      now,
      holder: 'test-job',
      intervalMs: 60_000,
      logger: t.logger,
    });
    clock += DAY;
    await sendOneEnvelope();
    clock += DAY;
    await sendOneEnvelope();
    t.sim.log.clear();
    const result = await job.runOnce();
    expect(result).toMatchObject({ synced: 2, failed: 0 }); // both connections
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
    expect(await job.runOnce()).toMatchObject({ synced: 0 });
  });
});

describe('utilization sync in several processes', () => {
  it('lets one process sync an account while another sees it busy, and fetches the history once', async () => {
    const fresh = await t.connect();
    const row = await getIntegratedAccount(t.db, t.environmentId, fresh);
    const target = coveredAccounts(row)[0]!;
    const processDeps = (holder: string) => ({ db: t.db, upstream: t.app.services.upstream, now, holder });
    t.sim.log.clear();
    const outcomes = await Promise.all([
      syncAccount(processDeps('process-a'), row, target),
      syncAccount(processDeps('process-b'), row, target),
    ]);
    // Exactly one syncs; the other either finds the lease held (busy) or, if the first already finished by the
    // time it asks (a real PostgreSQL pool can order it so), finds the account up to date.
    expect(outcomes.filter((outcome) => outcome === 'synced')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== 'synced')).toEqual([
      expect.stringMatching(/^(busy|up_to_date)$/),
    ]);
    // One users list and one envelope list per user: the history was fetched once.
    expect(t.sim.log.count(isEnvelopeList)).toBe(account.members.length);
    const state = await readSyncState(t.db, fresh, target.id);
    expect(state).toMatchObject({ syncedThrough: dayOf(clock), leaseUntil: null, leaseHolder: null });
    expect(await syncAccount(processDeps('process-b'), row, target)).toBe('up_to_date');
  });
});
