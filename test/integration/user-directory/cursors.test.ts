import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CURSOR_TTL_MS } from '../../../src/http/cursor';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let clock = Date.now();
let all: string;
let other: string;
beforeAll(async () => {
  t = await createConnectedApp({ app: { now: () => clock } });
  all = await t.connect({ allAccounts: true });
  other = await t.connect({ allAccounts: true });
});
afterAll(() => t.close());

const USERS = '/unified/user-directory/users';

async function firstCursor(query = '', connection = all): Promise<string> {
  const res = await t.request(`${USERS}?integrated_account_id=${connection}&limit=5${query}`);
  expect(res.status).toBe(200);
  const cursor = (await json(res)).next_cursor;
  expect(typeof cursor).toBe('string');
  return cursor;
}

async function expectInvalidCursor(path: string, reason: RegExp) {
  const res = await t.request(path);
  expect(res.status).toBe(400);
  const body = await json(res);
  expect(body.error.code).toBe('invalid_request');
  expect(body.error.message).toMatch(reason);
}

describe('GET /unified/user-directory/users with a cursor', () => {
  it('accepts its own cursor', async () => {
    const cursor = await firstCursor();
    const res = await t.request(`${USERS}?integrated_account_id=${all}&limit=5&cursor=${cursor}`);
    expect(res.status).toBe(200);
    expect((await json(res)).result).toHaveLength(5);
  });

  it('rejects a tampered cursor', async () => {
    const cursor = await firstCursor();
    const [body, tag] = cursor.split('.') as [string, string];
    const wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    wire.o = 0;
    const forged = `${Buffer.from(JSON.stringify(wire)).toString('base64url')}.${tag}`;
    await expectInvalidCursor(`${USERS}?integrated_account_id=${all}&limit=5&cursor=${forged}`, /signature/);
    await expectInvalidCursor(`${USERS}?integrated_account_id=${all}&limit=5&cursor=garbage`, /malformed/);
  });

  it('rejects an expired cursor', async () => {
    const cursor = await firstCursor();
    clock += DEFAULT_CURSOR_TTL_MS + 1;
    try {
      await expectInvalidCursor(`${USERS}?integrated_account_id=${all}&limit=5&cursor=${cursor}`, /expired/);
    } finally {
      clock -= DEFAULT_CURSOR_TTL_MS + 1;
    }
  });

  it('rejects a cursor issued for another connection', async () => {
    const cursor = await firstCursor();
    await expectInvalidCursor(
      `${USERS}?integrated_account_id=${other}&limit=5&cursor=${cursor}`,
      /another integrated account/,
    );
  });

  it('rejects a cursor issued for another resource', async () => {
    const cursor = await firstCursor();
    await expectInvalidCursor(
      `/unified/user-directory/groups?integrated_account_id=${all}&limit=5&cursor=${cursor}`,
      /another resource/,
    );
  });

  it('rejects a cursor issued for other filters, another account_id or another response format', async () => {
    const cursor = await firstCursor('&status=active');
    const base = `${USERS}?integrated_account_id=${all}&limit=5&cursor=${cursor}`;
    await expectInvalidCursor(`${base}&status=invited`, /different filters/);
    await expectInvalidCursor(base, /different filters/);
    await expectInvalidCursor(
      `${base}&status=active&account_id=${t.sim.defaults.accountIds[0]}`,
      /different filters/,
    );
    await expectInvalidCursor(`${base}&status=active&response_format=raw`, /different filters/);
    const ok = await t.request(`${base}&status=active`);
    expect(ok.status).toBe(200);
  });
});

describe('GET /unified/user-directory/users limit', () => {
  it.each(['0', '501', 'abc', '2.5'])('rejects limit=%s with 400', async (limit) => {
    const res = await t.request(`${USERS}?integrated_account_id=${all}&limit=${limit}`);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_request');
    expect(JSON.stringify(body.error)).toContain('limit');
  });

  it('accepts the bounds 1 and 500', async () => {
    for (const limit of [1, 500]) {
      const res = await t.request(`${USERS}?integrated_account_id=${all}&limit=${limit}`);
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.result.length).toBeLessThanOrEqual(limit);
      expect(body.result.length).toBeGreaterThan(0);
    }
  });
});
