import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json, type Page } from '../../helpers/http';

let t: ConnectedApp;
let all: string;
let readOnly: string;
beforeAll(async () => {
  t = await createConnectedApp();
  all = await t.connect({ allAccounts: true });
  readOnly = await t.connect({ permission: 'read' });
});
afterAll(() => t.close());

const GROUPS = '/unified/user-directory/groups';
const account = (index: number): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[index]!)!;
const send = (method: string, path: string, body?: unknown, connection = all) =>
  t.request(`${path}${path.includes('?') ? '&' : '?'}integrated_account_id=${connection}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

describe('GET /unified/user-directory/groups', () => {
  it('lists the groups of both accounts with member counts and roles', async () => {
    const groups: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const page: string = `${GROUPS}?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const body = await json<Page<Record<string, unknown>>>(await send('GET', page));
      groups.push(...body.result);
      cursor = body.next_cursor;
    } while (cursor);
    const expected = [0, 1].flatMap((i) =>
      account(i).groups.map((g) => ({ id: g.groupId, account_id: account(i).accountId })),
    );
    expect(groups.map((g) => `${g.account_id}/${g.id}`).sort()).toEqual(
      expected.map((g) => `${g.account_id}/${g.id}`).sort(),
    );
    const sales = account(0).groups.find((g) => g.groupName === 'Sales')!;
    expect(groups).toContainEqual({
      id: sales.groupId,
      name: 'Sales',
      type: 'customGroup',
      member_count: [...sales.userIds].filter((id) => account(0).membersById.get(id)?.status !== 'Closed')
        .length,
      role: { id: sales.permissionProfileId },
      members: null,
      account_id: account(0).accountId,
    });
    const everyone = groups.find((g) => g.type === 'everyoneGroup' && g.account_id === account(0).accountId)!;
    expect(everyone.role).toBeNull();
  });

  it('filters by name_contains and type', async () => {
    const byName = await json(
      await send('GET', `${GROUPS}?name_contains=leg&account_id=${account(0).accountId}`),
    );
    expect(byName.result.map((g: { name: string }) => g.name)).toEqual(['Legal']);
    const byType = await json(await send('GET', `${GROUPS}?type=adminGroup`));
    expect(byType.result.map((g: { type: string }) => g.type)).toEqual(['adminGroup']);
    expect(t.sim.log.entries.at(-1)!.query).toMatchObject({ group_type: 'adminGroup' });
  });
});

describe('POST /unified/user-directory/groups', () => {
  it('creates a group with a role', async () => {
    const role = account(0).permissionProfiles[2]!;
    const res = await send('POST', GROUPS, { name: 'Auditors', role_id: role.permissionProfileId });
    expect(res.status).toBe(201);
    const group = await json(res);
    expect(group).toMatchObject({
      name: 'Auditors',
      type: 'customGroup',
      role: { id: role.permissionProfileId },
    });
    const stored = account(0).groups.find((g) => g.groupId === group.id)!;
    expect(stored.groupName).toBe('Auditors');
    expect(stored.permissionProfileId).toBe(role.permissionProfileId);
  });

  it("reports DocuSign's per-item error for a duplicate name as conflict", async () => {
    const res = await send('POST', GROUPS, { name: 'Sales' });
    expect(res.status).toBe(409);
    const body = await json(res);
    expect(body.error.code).toBe('conflict');
    expect(body.error.details).toMatchObject({ errorCode: 'DUPLICATE_GROUP' });
  });

  it('needs a read_write connection', async () => {
    const res = await send('POST', GROUPS, { name: 'Nope' }, readOnly);
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
    expect(account(0).groups.some((g) => g.groupName === 'Nope')).toBe(false);
  });
});

describe('PATCH /unified/user-directory/groups/{id}', () => {
  it('renames a group', async () => {
    const group = account(0).groups.find((g) => g.groupName === 'HR')!;
    const res = await send('PATCH', `${GROUPS}/${group.groupId}`, { name: 'People' });
    expect(res.status).toBe(200);
    expect((await json(res)).name).toBe('People');
    expect(group.groupName).toBe('People');
  });

  it('answers 404 for an unknown group', async () => {
    const res = await send('PATCH', `${GROUPS}/424242`, { name: 'Ghost' });
    expect(res.status).toBe(404);
    expect((await json(res)).error.details).toMatchObject({ errorCode: 'INVALID_GROUP_ID' });
  });
});

describe('DELETE /unified/user-directory/groups/{id}', () => {
  it('deletes a custom group and returns its id', async () => {
    const group = account(0).groups.find((g) => g.groupName === 'Finance')!;
    const res = await send('DELETE', `${GROUPS}/${group.groupId}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id: group.groupId });
    expect(account(0).groups.some((g) => g.groupId === group.groupId)).toBe(false);
  });

  it("reports DocuSign's refusal to delete a system group as invalid_request", async () => {
    const everyone = account(0).groups.find((g) => g.groupType === 'everyoneGroup')!;
    const res = await send('DELETE', `${GROUPS}/${everyone.groupId}`);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details).toMatchObject({ errorCode: 'CANNOT_DELETE_GROUP' });
  });

  it('answers 404 for an unknown group and 403 on a read connection', async () => {
    const missing = await send('DELETE', `${GROUPS}/424242`);
    expect(missing.status).toBe(404);
    const group = account(0).groups.find((g) => g.groupName === 'Legal')!;
    const forbidden = await send('DELETE', `${GROUPS}/${group.groupId}`, undefined, readOnly);
    expect(forbidden.status).toBe(403);
    expect(account(0).groups).toContain(group);
  });
});
