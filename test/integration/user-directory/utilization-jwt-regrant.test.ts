/**
 * The utilization job on a JWT connection whose access token expires while the job runs: the token manager signs a
 * new assertion under the connection's row lock (on PGlite, one connection: a query outside that transaction while
 * it is open would wait forever), while other requests use the same connection. It was reported to deadlock there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
const now = () => clock;
let t: ConnectedApp;
let conn: string;

beforeAll(async () => {
  t = await createConnectedApp({
    // DocuSign's JWT access tokens live one hour (the simulator's default).
    sim: { now, scale: { users: 12, envelopes: 60, templates: 4, groups: 2 } },
    app: {
      now,
      sleep: async (ms: number) => {
        clock += ms;
      },
      // One call every 10 minutes of the fake clock: the first sync spans more than two token lifetimes.
      utilization: { callsPerHour: 6 },
    },
  });
  conn = await t.connect();
});
afterAll(() => t.close());

const grants = () =>
  t.sim.log.filter(
    (e) => e.path === '/oauth/token' && e.grantType?.includes('jwt') === true && e.status === 200,
  ).length;

describe('utilization sync on a JWT connection', () => {
  it('re-grants the expired token inside the job while other requests use the connection', async () => {
    const before = grants();
    const startedAt = clock;
    const url = `/unified/user-directory/utilization?integrated_account_id=${conn}`;
    const first = await t.request(url);
    expect(first.status).toBe(202);
    let running = true;
    const statuses: number[] = [];
    const job = t.app.services.utilization.idle().finally(() => {
      running = false;
    });
    while (running) {
      const answers = await Promise.all([
        t.request(`/unified/user-directory/roles?integrated_account_id=${conn}`),
        t.request(`${url}&limit=1`),
      ]);
      statuses.push(...answers.map((r) => r.status));
    }
    await job;
    expect(clock - startedAt).toBeGreaterThan(2 * 3_600_000);
    expect(grants() - before).toBeGreaterThanOrEqual(2);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
    const done = await t.request(`${url}&limit=1`);
    expect(done.status).toBe(200);
    expect((await json(done)).sync_status[0]).toMatchObject({ status: 'completed' });
  });
});
