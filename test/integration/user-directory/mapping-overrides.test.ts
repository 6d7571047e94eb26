import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount, SimMembership } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

// The gateway clock moves only when the gateway sleeps, so several changes land within one clock tick (as they can
// in production).
let clock = Date.now();
let t: ConnectedApp;
let all: string;
let other: string;
let member: SimMembership;
beforeAll(async () => {
  t = await createConnectedApp({
    app: {
      now: () => clock,
      sleep: async (ms: number) => {
        clock += ms;
      },
    },
  });
  all = await t.connect({ allAccounts: true });
  other = await t.connect();
  const account: SimAccount = t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
  member = account.members.find((m) => m.status === 'Active' && !m.isAdmin)!;
  member.company = 'Initech';
});
afterAll(() => t.close());

const OVERRIDES = '/mapping-overrides/user-directory/users';

const put = (body: unknown, connection?: string) =>
  t.request(`${OVERRIDES}${connection ? `?integrated_account_id=${connection}` : ''}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const remove = (field: string, connection?: string) =>
  t.request(`${OVERRIDES}?field=${field}${connection ? `&integrated_account_id=${connection}` : ''}`, {
    method: 'DELETE',
  });

async function user(connection = all) {
  const res = await t.request(
    `/unified/user-directory/users/${member.userId}?integrated_account_id=${connection}`,
  );
  expect(res.status).toBe(200);
  return json(res);
}

async function stored(connection?: string) {
  const res = await t.request(`${OVERRIDES}${connection ? `?integrated_account_id=${connection}` : ''}`);
  expect(res.status).toBe(200);
  return (await json(res)).result as { field: string; spec: unknown; scope: string }[];
}

describe('PUT /mapping-overrides/{model}/{resource}', () => {
  it('adds a field from a path of the DocuSign user record, visible on the next request', async () => {
    expect(await user()).not.toHaveProperty('department');
    const res = await put({ field: 'department', spec: { path: 'company' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      field: 'department',
      scope: 'environment',
      spec: { path: 'company' },
    });
    expect((await user()).department).toBe('Initech');
    const page = await json(
      await t.request(
        `/unified/user-directory/users?integrated_account_id=${all}&email=${encodeURIComponent(
          t.sim.state.users.get(member.userId)!.email,
        )}&account_id=${t.sim.defaults.accountIds[0]}`,
      ),
    );
    expect(page.result[0].department).toBe('Initech');
  });

  it('replaces an existing field, and again within the same clock tick', async () => {
    const email = t.sim.state.users.get(member.userId)!.email;
    expect((await user()).title).toBe(member.jobTitle);
    expect((await put({ field: 'title', spec: { path: 'email' } })).status).toBe(200);
    expect((await user()).title).toBe(email);
    expect((await put({ field: 'title', spec: { path: 'email', transform: 'uppercase' } })).status).toBe(200);
    expect((await user()).title).toBe(email.toUpperCase());
  });

  it('removes a field with spec: null', async () => {
    expect((await user()).user_type).toBe('CompanyUser');
    expect((await put({ field: 'user_type', spec: null })).status).toBe(200);
    expect(await user()).not.toHaveProperty('user_type');
  });

  it('lets an account-level override win over the environment one, for that connection only', async () => {
    const res = await put({ field: 'department', spec: { const: 'Account override' } }, all);
    expect(res.status).toBe(200);
    expect((await json(res)).scope).toBe('integrated_account');
    expect((await user(all)).department).toBe('Account override');
    expect((await user(other)).department).toBe('Initech');
    expect((await stored(all)).map((o) => o.field)).toEqual(['department']);
    expect((await stored()).map((o) => o.field).sort()).toEqual(['department', 'title', 'user_type']);
  });

  it.each([
    [
      'an unknown transform',
      { field: 'department', spec: { path: 'company', transform: 'shout' } },
      /transform/,
    ],
    ['a bad path', { field: 'department', spec: { path: 'company..name' } }, /path/],
    ['an unknown function', { field: 'department', spec: { fn: 'no_such_function' } }, /no_such_function/],
    [
      'a spec with two sources',
      { field: 'department', spec: { path: 'company', const: 'x' } },
      /department|spec/,
    ],
    ['a bad field name', { field: 'Department-Name', spec: { path: 'company' } }, /field/],
  ])('rejects %s with 400 and stores nothing', async (_what, body, reason) => {
    const before = await stored();
    const res = await put(body);
    expect(res.status).toBe(400);
    const error = (await json(res)).error;
    expect(error.code).toBe('invalid_request');
    expect(`${error.message} ${JSON.stringify(error.details ?? '')}`).toMatch(reason);
    expect(await stored()).toEqual(before);
    expect((await user(other)).department).toBe('Initech');
  });

  it('answers 404 for an unknown resource or model', async () => {
    for (const path of ['/mapping-overrides/user-directory/printers', '/mapping-overrides/crm/users']) {
      const res = await t.request(path, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ field: 'x', spec: { path: 'y' } }),
      });
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
  });
});

describe('DELETE /mapping-overrides/{model}/{resource}', () => {
  it("restores the file's mapping", async () => {
    expect((await remove('title')).status).toBe(200);
    expect((await user(other)).title).toBe(member.jobTitle);
    expect((await remove('user_type')).status).toBe(200);
    expect((await user(other)).user_type).toBe('CompanyUser');
  });

  it('removes the environment override while the account one stays, then the account one', async () => {
    expect((await remove('department')).status).toBe(200);
    expect(await user(other)).not.toHaveProperty('department');
    expect((await user(all)).department).toBe('Account override');
    expect((await remove('department', all)).status).toBe(200);
    expect(await user(all)).not.toHaveProperty('department');
  });

  it('answers 404 when there is no such override', async () => {
    const res = await remove('department');
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });
});
