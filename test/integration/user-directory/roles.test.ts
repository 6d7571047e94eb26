import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let all: string;
beforeAll(async () => {
  t = await createConnectedApp();
  all = await t.connect({ allAccounts: true, permission: 'read' });
});
afterAll(() => t.close());

const ROLES = '/unified/user-directory/roles';

async function allRoles() {
  const roles: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.request(`${ROLES}?integrated_account_id=${all}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    roles.push(...body.result);
    cursor = body.next_cursor;
  } while (cursor);
  return roles;
}

describe('GET /unified/user-directory/roles', () => {
  it("lists every permission profile of both accounts with the simulator's user counts", async () => {
    const roles = await allRoles();
    const expected = [...t.sim.state.accounts.values()].flatMap((account) =>
      account.permissionProfiles.map((p) => ({
        id: p.permissionProfileId,
        name: p.permissionProfileName,
        account_id: account.accountId,
        user_count: account.members.filter(
          (m) => m.permissionProfileId === p.permissionProfileId && m.status !== 'Closed',
        ).length,
        updated_at: new Date(p.modifiedMs).toISOString(),
      })),
    );
    expect(roles).toHaveLength(expected.length);
    for (const want of expected) {
      expect(roles).toContainEqual(
        expect.objectContaining({ ...want, type: 'permission_profile', applicable_in: ['esignature'] }),
      );
    }
  });

  it('marks the three built-in profiles as default and fills missing upstream fields with null', async () => {
    const roles = await allRoles();
    for (const role of roles) {
      expect(role.is_default).toBe(
        ['Account Administrator', 'DocuSign Sender', 'DocuSign Viewer'].includes(role.name as string),
      );
      expect(role.description).toBeNull();
      expect(role.updated_by).toBeNull();
    }
  });
});

describe('GET /unified/user-directory/roles/{id}', () => {
  it('returns one profile of the chosen account', async () => {
    const account = t.sim.state.accounts.get(t.sim.defaults.accountIds[1]!)!;
    const profile = account.permissionProfiles[1]!;
    const res = await t.request(
      `${ROLES}/${profile.permissionProfileId}?integrated_account_id=${all}&account_id=${account.accountId}`,
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      id: profile.permissionProfileId,
      name: profile.permissionProfileName,
      account_id: account.accountId,
    });
  });

  it("answers 404 for an unknown id, with DocuSign's error in details", async () => {
    const res = await t.request(`${ROLES}/999999999?integrated_account_id=${all}`);
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body.error.code).toBe('not_found');
    expect(body.error.details).toMatchObject({ errorCode: 'INVALID_PERMISSION_PROFILE_ID' });
  });
});
