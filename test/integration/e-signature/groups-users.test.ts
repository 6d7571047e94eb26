import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let ia: string;
let all: string;
beforeAll(async () => {
  t = await createConnectedApp();
  ia = await t.connect({ permission: 'read' });
  all = await t.connect({ allAccounts: true, permission: 'read' });
});
afterAll(() => t.close());

const primary = (): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
const get = (path: string, connection = ia) =>
  t.request(`${path}${path.includes('?') ? '&' : '?'}integrated_account_id=${connection}`);

async function every(path: string, connection = ia): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const body = await json(await get(`${path}?limit=7${cursor ? `&cursor=${cursor}` : ''}`, connection));
    out.push(...body.result);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

describe('GET /unified/e-signature/groups', () => {
  it('lists the groups of every account of a sync-all connection', async () => {
    const groups = await every('/unified/e-signature/groups', all);
    const expected = t.sim.defaults.accountIds.flatMap((id) =>
      t.sim.state.accounts.get(id)!.groups.map((g) => `${id}/${g.groupId}`),
    );
    expect(groups.map((g) => `${g.account_id}/${g.id}`).sort()).toEqual(expected.sort());
  });

  it('gets one group with every member', async () => {
    const sales = primary().groups.find((g) => g.groupName === 'Sales')!;
    const res = await get(`/unified/e-signature/groups/${sales.groupId}`);
    expect(res.status).toBe(200);
    const group = await json(res);
    expect(group).toMatchObject({ id: sales.groupId, name: 'Sales', type: 'customGroup' });
    expect(group.members.map((m: { id: string }) => m.id).sort()).toEqual(
      [...sales.userIds].filter((id) => primary().membersById.get(id)?.status !== 'Closed').sort(),
    );
    expect(group.members[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      email: expect.any(String),
      status: expect.any(String),
    });
  });

  it('answers 404 for an unknown group', async () => {
    const res = await get('/unified/e-signature/groups/424242');
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });
});

describe('GET /unified/e-signature/users', () => {
  it('lists users across pages and filters by status', async () => {
    const users = await every('/unified/e-signature/users');
    expect(users).toHaveLength(primary().members.length);
    const active = await json(await get('/unified/e-signature/users?status=active&limit=500'));
    expect(active.result.every((u: { status: string }) => u.status === 'active')).toBe(true);
  });

  it('gets one user and answers 404 for an unknown one', async () => {
    const member = primary().members.find((m) => m.status === 'Active')!;
    const res = await get(`/unified/e-signature/users/${member.userId}`);
    expect(res.status).toBe(200);
    const user = await json(res);
    expect(user).toMatchObject({ id: member.userId, status: 'active', account_id: primary().accountId });
    expect(user.permission_profile).toEqual({ id: member.permissionProfileId, name: expect.any(String) });
    expect((await get('/unified/e-signature/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('GET /meta', () => {
  it('lists the e-signature resources and their methods', async () => {
    const meta = await json(await t.request('/meta'));
    const model = meta.models.find((m: { name: string }) => m.name === 'e-signature');
    const methods = Object.fromEntries(
      model.resources.map((r: { name: string; methods: string[] }) => [r.name, [...r.methods].sort()]),
    );
    expect(methods).toMatchObject({
      documents: ['create', 'delete', 'download', 'get', 'list'],
      'document-fields': ['create', 'delete', 'get', 'list', 'update'],
      templates: ['create', 'delete', 'get', 'list'],
      collections: ['get', 'list', 'signing-requests'],
      contacts: ['create', 'delete', 'get', 'list', 'update'],
      groups: ['get', 'list'],
      users: ['get', 'list'],
    });
  });
});
