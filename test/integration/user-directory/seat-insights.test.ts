import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

const DAY = 86_400_000;
let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
const now = () => clock;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

let t: ConnectedApp;
let conn: string;
let readOnly: string;
let account: SimAccount;

beforeAll(async () => {
  t = await createConnectedApp({
    sim: {
      now,
      scale: { users: 40, envelopes: 160, templates: 10, groups: 2 },
      jwtAccessTokenTtlSeconds: 10 * 86_400,
    },
    app: {
      now,
      sleep: async (ms: number) => {
        clock += ms;
      },
    },
  });
  conn = await t.connect();
  readOnly = await t.connect({ permission: 'read' });
  account = t.sim.account(t.sim.defaults.accountIds[0]!)!;
});
afterAll(() => t.close());

const URL_ = '/unified/user-directory/seat-insights';

/** Licensed users (not closed) who joined before the cutoff and did nothing since, from the simulator's state. */
function expectedInactive(days: number) {
  const today = dayOf(clock);
  const cutoff = dayStart(today) - days * DAY;
  const historyStart = dayStart(today) - 360 * DAY;
  const last = new Map<string, number>();
  const seen = (userId: string, ms: number | undefined) => {
    if (ms === undefined || ms < historyStart || ms >= dayStart(today)) return;
    last.set(userId, Math.max(last.get(userId) ?? 0, ms));
  };
  for (const e of account.envelopes) seen(e.senderUserId, e.sentMs);
  for (const tpl of account.templates) seen(tpl.ownerUserId, tpl.createdMs);
  return account.members
    .filter((m) => m.status !== 'Closed' && m.addedMs < cutoff && (last.get(m.userId) ?? 0) < cutoff)
    .map((m) => ({ id: m.userId, last: last.has(m.userId) ? dayOf(last.get(m.userId)!) : null }));
}

async function walk(query: string, connection = conn) {
  const pages = [];
  let cursor: string | null = null;
  do {
    const res = await t.request(
      `${URL_}?integrated_account_id=${connection}&${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    const body = await json(res);
    pages.push(body);
    cursor = body.next_cursor;
  } while (cursor);
  return pages;
}

describe('GET /unified/user-directory/seat-insights', () => {
  it('answers 202 with the sync job until the utilization history is synced', async () => {
    const res = await t.request(`${URL_}?integrated_account_id=${conn}`);
    expect(res.status).toBe(202);
    expect(res.headers.get('retry-after')).toBe('30');
    expect((await json(res)).sync_status[0]).toMatchObject({
      account_id: account.accountId,
      status: 'running',
    });
    await t.app.services.utilization.idle();
  });

  it('reports seats, price, the yearly reclaimable amount and the inactive users with their last activity', async () => {
    const [page] = await walk('limit=500');
    const want = expectedInactive(90);
    expect(want.length).toBeGreaterThan(0);
    const assigned = account.members.filter((m) => m.status !== 'Closed').length;
    expect(page).toMatchObject({
      account_id: account.accountId,
      as_of: dayOf(clock),
      inactive_days: 90,
      seats: {
        purchased: account.plan.includedSeats,
        assigned,
        available: Math.max(0, account.plan.includedSeats - assigned),
      },
      seat_price: {
        amount: account.plan.perSeatPrice,
        currency: account.plan.currencyCode,
        billing_frequency: 'annually',
        yearly_amount: account.plan.perSeatPrice,
      },
      inactive_user_count: want.length,
      yearly_reclaimable_amount: want.length * account.plan.perSeatPrice,
      close_action: { method: 'POST' },
    });
    expect(page.close_action.path).toContain('/unified/user-directory/users/{user_id}/close?');
    expect(page.result.map((u: { user_id: string }) => u.user_id)).toEqual(want.map((w) => w.id));
    for (const [i, user] of page.result.entries()) {
      expect(user.last_activity_on).toBe(want[i]!.last);
      if (user.last_activity_on)
        expect(user.days_inactive).toBe((dayStart(dayOf(clock)) - dayStart(user.last_activity_on)) / DAY);
      expect(user.days_inactive).toBeGreaterThanOrEqual(90);
    }
  });

  it('pages the inactive users with a cursor, each once, in the same order', async () => {
    const [all] = await walk('limit=500');
    const pages = await walk('limit=3');
    expect(pages.length).toBeGreaterThan(1);
    const ids = pages.flatMap((p) => p.result.map((u: { user_id: string }) => u.user_id));
    expect(ids).toEqual(all.result.map((u: { user_id: string }) => u.user_id));
    const wrong = await t.request(
      `${URL_}?integrated_account_id=${conn}&inactive_days=30&cursor=${pages[0]!.next_cursor}`,
    );
    expect(wrong.status).toBe(400);
  });

  it('takes inactive_days: a shorter window finds at least as many inactive users', async () => {
    const [thirty] = await walk('limit=500&inactive_days=30');
    const [ninety] = await walk('limit=500');
    expect(thirty.inactive_user_count).toBe(expectedInactive(30).length);
    expect(thirty.inactive_user_count).toBeGreaterThanOrEqual(ninety.inactive_user_count);
    for (const bad of ['0', '361', 'x']) {
      const res = await t.request(`${URL_}?integrated_account_id=${conn}&inactive_days=${bad}`);
      expect(res.status).toBe(400);
    }
  });

  it('closing a listed user with close_url frees the seat and drops them from the list', async () => {
    const [before] = await walk('limit=500');
    const target = before.result.find((u: { status: string }) => u.status === 'active') ?? before.result[0];
    const denied = await t.request(target.close_url.replace(conn, readOnly), { method: 'POST' });
    expect(denied.status).toBe(403);
    const res = await t.request(target.close_url, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe('deleted');
    const [after] = await walk('limit=500');
    expect(after.result.map((u: { user_id: string }) => u.user_id)).not.toContain(target.user_id);
    expect(after.inactive_user_count).toBe(before.inactive_user_count - 1);
    expect(after.seats.assigned).toBe(before.seats.assigned - 1);
    expect(after.yearly_reclaimable_amount).toBe(
      (before.inactive_user_count - 1) * account.plan.perSeatPrice,
    );
  });
});
