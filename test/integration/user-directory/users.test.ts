import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount, SimMembership } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let all: string;
let single: string;
let readOnly: string;
beforeAll(async () => {
  t = await createConnectedApp();
  all = await t.connect({ allAccounts: true });
  single = await t.connect();
  readOnly = await t.connect({ permission: 'read' });
  // The seed makes few disabled users; make sure the primary account has one.
  const members = account(0).members;
  if (!members.some((m) => m.status === 'Disabled'))
    members.find((m) => m.status === 'Active' && !m.isAdmin)!.status = 'Disabled';
});
afterAll(() => t.close());

const USERS = '/unified/user-directory/users';

function account(index: number): SimAccount {
  return t.sim.state.accounts.get(t.sim.defaults.accountIds[index]!)!;
}

function email(m: SimMembership): string {
  return t.sim.state.users.get(m.userId)!.email;
}

async function list(query: string, connection = all) {
  const res = await t.request(`${USERS}?integrated_account_id=${connection}&${query}`);
  return { res, body: await json(res) };
}

/** Follows `next_cursor` to the end and returns every record. */
async function walk(query: string, connection = all) {
  const records: { id: string; account_id: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { res, body } = await list(
      `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      connection,
    );
    expect(res.status).toBe(200);
    expect(body.result_count).toBe(body.result.length);
    records.push(...body.result);
    cursor = body.next_cursor;
    pages += 1;
  } while (cursor && pages < 50);
  return { records, pages };
}

function keys(records: { id: string; account_id: string }[]) {
  return records.map((r) => `${r.account_id}/${r.id}`);
}

function simKeys(indexes: number[]) {
  return indexes.flatMap((i) => account(i).members.map((m) => `${account(i).accountId}/${m.userId}`));
}

describe('GET /unified/user-directory/users', () => {
  it('maps each status filter to the DocuSign value and returns only those users', async () => {
    const cases: [string, string][] = [
      ['active', 'Active'],
      ['inactive', 'Disabled'],
      ['invited', 'ActivationSent'],
      ['deleted', 'Closed'],
    ];
    for (const [unified, docusign] of cases) {
      const before = t.sim.log.entries.length;
      const { res, body } = await list(`status=${unified}&limit=500&account_id=${account(0).accountId}`);
      expect(res.status).toBe(200);
      const upstream = t.sim.log.entries.slice(before).filter((e) => e.path.endsWith('/users'));
      expect(upstream[0]!.query).toMatchObject({ status: docusign });
      const expected = account(0).members.filter((m) => m.status === docusign);
      expect(expected.length).toBeGreaterThan(0);
      expect(body.result.map((u: { id: string }) => u.id).sort()).toEqual(
        expected.map((m) => m.userId).sort(),
      );
      for (const user of body.result) expect(user.status).toBe(unified);
    }
  });

  it('filters by exact email, email_contains, name_contains and group_id', async () => {
    const target = account(0).members[5]!;
    const byEmail = await list(
      `email=${encodeURIComponent(email(target))}&account_id=${account(0).accountId}`,
    );
    expect(byEmail.body.result.map((u: { id: string }) => u.id)).toEqual([target.userId]);

    const contains = await list(`email_contains=lovelace&limit=500&account_id=${account(0).accountId}`);
    const lovelaces = account(0).members.filter((m) => email(m).includes('lovelace'));
    expect(lovelaces.length).toBeGreaterThan(1);
    expect(contains.body.result).toHaveLength(lovelaces.length);
    expect(t.sim.log.entries.at(-1)!.query).toMatchObject({ email_substring: 'lovelace' });

    const byName = await list(`name_contains=grace&limit=500&account_id=${account(0).accountId}`);
    const graces = account(0).members.filter((m) =>
      t.sim.state.users.get(m.userId)!.firstName.toLowerCase().includes('grace'),
    );
    expect(graces.length).toBeGreaterThan(0);
    expect(byName.body.result.map((u: { id: string }) => u.id).sort()).toEqual(
      graces.map((m) => m.userId).sort(),
    );
    expect(t.sim.log.entries.at(-1)!.query).toMatchObject({ user_name_substring: 'grace' });

    const group = account(0).groups.find((g) => g.groupType === 'customGroup' && g.userIds.size > 1)!;
    const byGroup = await list(`group_id=${group.groupId}&limit=500&account_id=${account(0).accountId}`);
    expect(byGroup.body.result.map((u: { id: string }) => u.id).sort()).toEqual([...group.userIds].sort());
    for (const user of byGroup.body.result) {
      expect(user.groups.map((g: { id: string }) => g.id)).toContain(group.groupId);
    }
  });

  it('rejects an unknown status value with 400', async () => {
    const { res, body } = await list('status=suspended');
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
  });

  it.each([7, 100, 150])(
    'walks every user of both accounts with limit=%i: no duplicates, no gaps',
    async (limit) => {
      const { records, pages } = await walk(`limit=${limit}`);
      const got = keys(records);
      expect(new Set(got).size).toBe(got.length);
      expect(got.sort()).toEqual(simKeys([0, 1]).sort());
      expect(pages).toBeGreaterThan(1);
    },
  );

  it('fills a page above 100 from several DocuSign pages of at most 100', async () => {
    const before = t.sim.log.entries.length;
    const { body } = await list(`limit=150&account_id=${account(0).accountId}`);
    expect(account(0).members.length).toBeGreaterThan(100);
    expect(body.result).toHaveLength(Math.min(150, account(0).members.length));
    const upstream = t.sim.log.entries.slice(before).filter((e) => e.path.endsWith('/users'));
    expect(upstream.length).toBeGreaterThanOrEqual(2);
    for (const entry of upstream) expect(Number(entry.query.count)).toBeLessThanOrEqual(100);
  });

  it('returns the next page when given next_cursor, moving to the second account after the first', async () => {
    const first = await list('limit=100');
    expect(first.body.result).toHaveLength(100);
    expect(
      first.body.result.every((u: { account_id: string }) => u.account_id === account(0).accountId),
    ).toBe(true);
    const second = await list(`limit=100&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(second.res.status).toBe(200);
    const ids = second.body.result.map((u: { id: string }) => u.id);
    expect(ids[0]).toBe(account(0).members[100]!.userId);
    expect(ids.some((id: string) => first.body.result.some((u: { id: string }) => u.id === id))).toBe(false);
  });

  it('tags each record with its own account_id across a sync-all connection', async () => {
    const { records } = await walk('limit=500');
    const perAccount = new Map<string, number>();
    for (const r of records) perAccount.set(r.account_id, (perAccount.get(r.account_id) ?? 0) + 1);
    expect(perAccount.get(account(0).accountId)).toBe(account(0).members.length);
    expect(perAccount.get(account(1).accountId)).toBe(account(1).members.length);
  });

  it('narrows to one account with account_id', async () => {
    const { records } = await walk(`limit=500&account_id=${account(1).accountId}`);
    expect(keys(records).sort()).toEqual(simKeys([1]).sort());
  });

  it('lists only the default account on a single-account connection', async () => {
    const { records } = await walk('limit=500', single);
    expect(new Set(records.map((r) => r.account_id))).toEqual(new Set([account(0).accountId]));
  });

  it('embeds the role and the groups, keeping single-element arrays as arrays', async () => {
    const { body } = await list(`limit=500&account_id=${account(0).accountId}`);
    const member = account(0).members.find(
      (m) => m.groupIds.length === 0 && !m.isAdmin && m.status === 'Active',
    )!;
    const user = body.result.find((u: { id: string }) => u.id === member.userId);
    const profile = account(0).permissionProfiles.find(
      (p) => p.permissionProfileId === member.permissionProfileId,
    )!;
    expect(user.roles).toEqual([{ id: profile.permissionProfileId, name: profile.permissionProfileName }]);
    expect(user.emails).toEqual([{ email: email(member), type: 'work', is_primary: true }]);
    const everyone = account(0).groups.find((g) => g.groupType === 'everyoneGroup')!;
    expect(Array.isArray(user.groups)).toBe(true);
    expect(user.groups).toEqual([{ id: everyone.groupId, name: 'Everyone' }]);
  });

  it('adds remote_data equal to the DocuSign record with include_remote_data=true', async () => {
    const { body } = await list(`limit=3&include_remote_data=true&account_id=${account(0).accountId}`);
    const proxied = await json(
      await t.request(
        `/proxy/esignature/users?count=3&additional_info=true&integrated_account_id=${all}&account_id=${account(0).accountId}`,
      ),
    );
    expect(body.result.map((u: { remote_data: unknown }) => u.remote_data)).toEqual(proxied.users);
    const plain = await list('limit=1');
    expect(plain.body.result[0]).not.toHaveProperty('remote_data');
  });

  it("returns DocuSign's records unmapped with response_format=raw, in the paging envelope", async () => {
    const { body } = await list(`limit=2&response_format=raw&account_id=${account(0).accountId}`);
    expect(body.result).toHaveLength(2);
    expect(body.result[0].userId).toBe(account(0).members[0]!.userId);
    expect(body.result[0]).not.toHaveProperty('id');
    expect(typeof body.next_cursor).toBe('string');
  });
});

describe('GET /unified/user-directory/users/{id}', () => {
  it('returns the mapped user', async () => {
    const member = account(1).members[1]!;
    const res = await t.request(
      `${USERS}/${member.userId}?integrated_account_id=${all}&account_id=${account(1).accountId}`,
    );
    expect(res.status).toBe(200);
    const user = await json(res);
    const person = t.sim.state.users.get(member.userId)!;
    expect(user).toMatchObject({
      id: member.userId,
      first_name: person.firstName,
      last_name: person.lastName,
      name: `${person.firstName} ${person.lastName}`,
      username: person.email,
      account_id: account(1).accountId,
    });
  });

  it("answers 404 for an unknown id, with DocuSign's error in details", async () => {
    const res = await t.request(`${USERS}/00000000-0000-0000-0000-000000000000?integrated_account_id=${all}`);
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body.error.code).toBe('not_found');
    expect(body.error.details).toMatchObject({ errorCode: 'INVALID_USERID' });
  });

  it('returns the DocuSign body with response_format=raw and remote_data with include_remote_data', async () => {
    const member = account(0).members[2]!;
    const base = `${USERS}/${member.userId}?integrated_account_id=${all}`;
    const raw = await json(await t.request(`${base}&response_format=raw`));
    expect(raw.userId).toBe(member.userId);
    expect(raw.userStatus).toBe(member.status);
    const withRemote = await json(await t.request(`${base}&include_remote_data=true`));
    expect(withRemote.remote_data).toEqual(raw);
  });
});

describe('POST /unified/user-directory/users', () => {
  const post = (body: unknown, connection = all) =>
    t.request(`${USERS}?integrated_account_id=${connection}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('creates a user with a role and a group, answered as a get answers it', async () => {
    const role = account(0).permissionProfiles.find((p) => p.permissionProfileName === 'DocuSign Viewer')!;
    const group = account(0).groups.find((g) => g.groupType === 'customGroup')!;
    const res = await post({
      name: 'Quinn Newcomer',
      email: 'quinn.newcomer@example.com',
      role_id: role.permissionProfileId,
      group_id: group.groupId,
    });
    expect(res.status).toBe(201);
    const user = await json(res);
    expect(user).toMatchObject({
      name: 'Quinn Newcomer',
      first_name: 'Quinn',
      last_name: 'Newcomer',
      username: 'quinn.newcomer@example.com',
      status: 'invited',
      roles: [{ id: role.permissionProfileId, name: 'DocuSign Viewer' }],
      account_id: account(0).accountId,
    });
    expect(user.groups).toEqual(expect.arrayContaining([{ id: group.groupId, name: group.groupName }]));
    expect(user.is_admin).toBe(false);
    expect(user.last_login_at).toBeNull(); // a new user has not signed in
    const membership = account(0).membersById.get(user.id)!;
    expect(membership.permissionProfileId).toBe(role.permissionProfileId);
    expect(membership.groupIds).toEqual([group.groupId]);
    expect(group.userIds.has(user.id)).toBe(true);
  });

  it('reports DocuSign’s per-item error for a duplicate email as conflict with details', async () => {
    const existing = email(account(0).members[3]!);
    const res = await post({ name: 'Someone Else', email: existing });
    expect(res.status).toBe(409);
    const body = await json(res);
    expect(body.error.code).toBe('conflict');
    expect(body.error.details).toMatchObject({ errorCode: 'USER_ALREADY_EXISTS_IN_ACCOUNT' });
  });

  it('rejects an invalid email with 400 before calling DocuSign', async () => {
    const before = t.sim.log.entries.length;
    const res = await post({ name: 'No Mail', email: 'not-an-email' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_request');
    expect(JSON.stringify(body.error.details)).toContain('email');
    expect(t.sim.log.entries.length).toBe(before);
  });

  it('needs a read_write connection (403 forbidden on a read connection)', async () => {
    const before = t.sim.log.entries.length;
    const res = await post({ name: 'Read Only', email: 'read.only@example.com' }, readOnly);
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
    expect(t.sim.log.entries.length).toBe(before);
  });
});

describe('PATCH /unified/user-directory/users/{id}', () => {
  it('updates the title in DocuSign', async () => {
    const member = account(0).members[10]!;
    const res = await t.request(`${USERS}/${member.userId}?integrated_account_id=${all}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Chief Tester' }),
    });
    expect(res.status).toBe(200);
    expect((await json(res)).title).toBe('Chief Tester');
    expect(member.jobTitle).toBe('Chief Tester');
  });

  it('needs a read_write connection', async () => {
    const member = account(0).members[10]!;
    const res = await t.request(`${USERS}/${member.userId}?integrated_account_id=${readOnly}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Nope' }),
    });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
  });
});

describe('POST /unified/user-directory/users/{id}/close', () => {
  it('closes the membership and returns the user as deleted', async () => {
    const member = account(0).members.find(
      (m) => m.status === 'Active' && !m.isAdmin && m.userId !== t.sim.defaults.userId,
    )!;
    const res = await t.request(`${USERS}/${member.userId}/close?integrated_account_id=${all}`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const user = await json(res);
    expect(user.id).toBe(member.userId);
    expect(user.status).toBe('deleted');
    expect(member.status).toBe('Closed');
  });

  it('answers 404 for an unknown user', async () => {
    const res = await t.request(
      `${USERS}/00000000-0000-0000-0000-000000000000/close?integrated_account_id=${all}`,
      { method: 'POST' },
    );
    expect(res.status).toBe(404);
    expect((await json(res)).error.details).toMatchObject({ errorCode: 'INVALID_USERID' });
  });

  it('needs a read_write connection', async () => {
    const member = account(0).members.filter((m) => m.status === 'Active')[30]!;
    const res = await t.request(`${USERS}/${member.userId}/close?integrated_account_id=${readOnly}`, {
      method: 'POST',
    });
    expect(res.status).toBe(403);
    expect(member.status).not.toBe('Closed');
  });
});

describe('DELETE /unified/user-directory/users/{id}', () => {
  it('closes the user in DocuSign and returns the id', async () => {
    const member = account(1).members.find((m) => m.status === 'Active' && !m.isAdmin)!;
    const res = await t.request(
      `${USERS}/${member.userId}?integrated_account_id=${all}&account_id=${account(1).accountId}`,
      { method: 'DELETE' },
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id: member.userId });
    expect(member.status).toBe('Closed');
  });

  it('needs a read_write connection', async () => {
    const member = account(0).members.filter((m) => m.status === 'Active')[31]!;
    const res = await t.request(`${USERS}/${member.userId}?integrated_account_id=${readOnly}`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
    expect(member.status).not.toBe('Closed');
  });
});
