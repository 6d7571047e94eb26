import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let all: string;
beforeAll(async () => {
  t = await createConnectedApp();
  all = await t.connect({ allAccounts: true });
});
afterAll(() => t.close());

const UD = '/unified/user-directory';
const account = (index: number): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[index]!)!;
const q = (accountId: string, extra = '') => `integrated_account_id=${all}&account_id=${accountId}${extra}`;

async function send(method: string, path: string, body?: unknown) {
  const res = await t.request(path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await json(res) };
}

/** Every record of a list over the sync-all connection (all accounts), following next_cursor. */
async function walk(resource: string, extra = '') {
  const records: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await send(
      'GET',
      `${UD}/${resource}?integrated_account_id=${all}&limit=500${extra}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(status).toBe(200);
    records.push(...body.result);
    cursor = body.next_cursor;
  } while (cursor);
  return records;
}

describe('write responses equal what a GET returns afterwards', () => {
  it('POST users answers the complete user (title, groups, is_admin, user_type)', async () => {
    const a = account(0);
    const group = a.groups.find((g) => g.groupType === 'customGroup')!;
    const created = await send('POST', `${UD}/users?${q(a.accountId)}`, {
      name: 'Rita Records',
      email: 'rita.records@example.com',
      title: 'Archivist',
      group_id: group.groupId,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Archivist', is_admin: false, user_type: 'CompanyUser' });
    expect(created.body.groups).toContainEqual({ id: group.groupId, name: group.groupName });
    const got = await send('GET', `${UD}/users/${created.body.id}?${q(a.accountId)}`);
    expect(created.body).toEqual(got.body);
  });

  it('PATCH users answers what a GET returns', async () => {
    const a = account(0);
    const member = a.members.find((m) => m.status === 'Active' && !m.isAdmin)!;
    const updated = await send('PATCH', `${UD}/users/${member.userId}?${q(a.accountId)}`, {
      title: 'Reviewer',
    });
    expect(updated.status).toBe(200);
    const got = await send('GET', `${UD}/users/${member.userId}?${q(a.accountId)}`);
    expect(updated.body).toEqual(got.body);
    expect(got.body.title).toBe('Reviewer');
  });

  it('POST users/{id}/close answers the closed user with roles and created_at, as a GET does', async () => {
    const a = account(1);
    const member = a.members.find(
      (m) => m.status === 'Active' && !m.isAdmin && m.userId !== t.sim.defaults.userId,
    )!;
    const closed = await send('POST', `${UD}/users/${member.userId}/close?${q(a.accountId)}`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('deleted');
    expect(closed.body.roles).toEqual([{ id: member.permissionProfileId, name: expect.any(String) }]);
    expect(closed.body.created_at).not.toBeNull();
    const got = await send('GET', `${UD}/users/${member.userId}?${q(a.accountId)}`);
    expect(closed.body).toEqual(got.body);
  });

  it('POST and PATCH groups answer the group with its members, as GET groups/{id} does', async () => {
    const a = account(0);
    const created = await send('POST', `${UD}/groups?${q(a.accountId)}`, { name: 'Reclaimers' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Reclaimers', members: [], account_id: a.accountId });
    const renamed = await send('PATCH', `${UD}/groups/${created.body.id}?${q(a.accountId)}`, {
      name: 'Reclaim',
    });
    const got = await send('GET', `${UD}/groups/${created.body.id}?${q(a.accountId)}`);
    expect(renamed.body).toEqual(got.body);
    expect(got.body.name).toBe('Reclaim');
  });
});

describe('complete records', () => {
  it("roles carry is_admin from the permission profile's settings (allowAccountManagement)", async () => {
    const roles = await walk('roles');
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const a = t.sim.state.accounts.get(role.account_id as string)!;
      const profile = a.permissionProfiles.find((p) => p.permissionProfileId === role.id)!;
      expect(role.is_admin).toBe(profile.settings.allowAccountManagement === 'true');
    }
    expect(roles.find((r) => r.name === 'Account Administrator')!.is_admin).toBe(true);
    expect(roles.find((r) => r.name === 'DocuSign Sender')!.is_admin).toBe(false);
  });

  it('GET groups/{id} lists every member of the group', async () => {
    const a = account(0);
    const group = a.groups.find((g) => g.groupType === 'everyoneGroup')!;
    const got = await send('GET', `${UD}/groups/${group.groupId}?${q(a.accountId)}`);
    expect(got.status).toBe(200);
    const want = a.members.filter((m) => m.status !== 'Closed').map((m) => m.userId);
    expect(got.body.members.map((m: { id: string }) => m.id).sort()).toEqual([...want].sort());
    expect(got.body.member_count).toBe(want.length);
    const missing = await send('GET', `${UD}/groups/424242?${q(a.accountId)}`);
    expect(missing.status).toBe(404);
  });

  it('license status follows its dates, and billing end_date is the renewal date', async () => {
    const a = account(1);
    const renewal = a.plan.renewalMs;
    a.plan.renewalMs = Date.UTC(2024, 5, 30);
    try {
      const licenses = await walk('licenses');
      expect(licenses.find((l) => l.account_id === a.accountId)).toMatchObject({
        status: 'expired',
        end_date: '2024-06-30T00:00:00.000Z',
      });
      expect(licenses.find((l) => l.account_id === account(0).accountId)!.status).toBe('active');
    } finally {
      a.plan.renewalMs = renewal;
    }
    const billing = await walk('billing');
    expect(billing.find((b) => b.account_id === a.accountId)!.end_date).toBe(
      new Date(renewal).toISOString().slice(0, 10),
    );
  });
});

describe('every listed record is addressable: GET …/{id}?account_id={account_id} returns it', () => {
  it.each(['users', 'roles'])('%s: each record of a sync-all walk, unified and raw', async (resource) => {
    const records = await walk(resource);
    // The same id appears in several accounts (one person, two memberships); account_id tells them apart.
    const ids = records.map((r) => r.id);
    if (resource === 'users') expect(new Set(ids).size).toBeLessThan(ids.length);
    for (const record of records.slice(0, 60)) {
      const got = await send('GET', `${UD}/${resource}/${record.id}?${q(record.account_id as string)}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(record);
    }
    const raw = await walk(resource, '&response_format=raw');
    expect(raw).toHaveLength(records.length);
    const idKey = resource === 'users' ? 'userId' : 'permissionProfileId';
    for (const r of raw.slice(0, 20)) {
      expect(typeof r.account_id).toBe('string');
      const got = await send(
        'GET',
        `${UD}/${resource}/${r[idKey]}?${q(r.account_id as string, '&response_format=raw')}`,
      );
      expect(got.body[idKey]).toBe(r[idKey]);
    }
  });

  it('groups: each record of a sync-all walk (the get adds the members)', async () => {
    const records = await walk('groups');
    for (const record of records) {
      const got = await send('GET', `${UD}/groups/${record.id}?${q(record.account_id as string)}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ ...record, members: expect.any(Array) });
    }
  });
});
