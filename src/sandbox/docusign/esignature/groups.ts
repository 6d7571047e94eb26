/** eSignature groups, group users and permission profiles. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { compact, groupView, iso, membersOfGroup, userInfoView } from '../esignature-views';
import { createRandom } from '../random';
import { hash32, type SimAccount, type SimGroup, type SimPermissionProfile } from '../state';
import {
  type Ctx,
  EsignError,
  listParam,
  pageFields,
  readJson,
  requireAdmin,
  startAndCount,
  str,
} from './common';

function findGroup(account: SimAccount, groupId: string): SimGroup {
  const g = account.groups.find((x) => x.groupId === groupId);
  if (!g) throw new EsignError('INVALID_GROUP_ID', 'Invalid group ID.');
  return g;
}

function profileView(
  account: SimAccount,
  p: SimPermissionProfile,
  include: Set<string>,
): Record<string, unknown> {
  const closed = include.has('closed_users');
  const members = account.members.filter(
    (m) => m.permissionProfileId === p.permissionProfileId && (closed || m.status !== 'Closed'),
  );
  return compact({
    permissionProfileId: p.permissionProfileId,
    permissionProfileName: p.permissionProfileName,
    modifiedDateTime: iso(p.modifiedMs),
    userCount: include.has('user_count') ? String(members.length) : undefined,
    settings: { ...p.settings },
  });
}

function groupUsersPage(c: Ctx, sim: SimContext, account: SimAccount, group: SimGroup) {
  const { start, count } = startAndCount(c);
  const members = membersOfGroup(account, group);
  const users = members.slice(start, start + count).map((m) => userInfoView(sim.state, account, m));
  return { users, ...pageFields(c, sim, start, users.length, members.length, count) };
}

/** Registers `/groups` and `/permission_profiles` routes. */
export function registerGroupRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/groups', (c) => {
    const account = c.get('account');
    const { start, count } = startAndCount(c);
    const type = c.req.query('group_type');
    const search = c.req.query('search_text')?.toLowerCase();
    const groups = account.groups.filter(
      (g) => (!type || g.groupType === type) && (!search || g.groupName.toLowerCase().includes(search)),
    );
    const withCount = c.req.query('include_usercount') !== 'false';
    const page = groups.slice(start, start + count).map((g) => {
      const view = groupView(account, g);
      if (!withCount) delete view.usersCount;
      return view;
    });
    return c.json({ groups: page, ...pageFields(c, sim, start, page.length, groups.length, count) });
  });

  app.post('/groups', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const body = await readJson<{ groups?: { groupName?: unknown; permissionProfileId?: unknown }[] }>(c);
    const groups = (body.groups ?? []).map((g) => {
      const name = str(g.groupName)?.trim();
      if (!name)
        return { errorDetails: { errorCode: 'INVALID_GROUP_NAME', message: 'A group name is required.' } };
      if (account.groups.some((x) => x.groupName.toLowerCase() === name.toLowerCase())) {
        return {
          groupName: name,
          errorDetails: { errorCode: 'DUPLICATE_GROUP', message: 'A group with this name already exists.' },
        };
      }
      const group: SimGroup = {
        groupId: String(sim.state.nextNumericId++),
        groupName: name,
        groupType: 'customGroup',
        permissionProfileId: str(g.permissionProfileId),
        dsGroupId: createRandom(hash32(`${sim.state.seed}:dsgroup:${account.accountId}:${name}`)).guid(),
        userIds: new Set(),
      };
      account.groups.push(group);
      return groupView(account, group);
    });
    return c.json({ groups }, 201);
  });

  app.put('/groups', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const body = await readJson<{
      groups?: { groupId?: unknown; groupName?: unknown; permissionProfileId?: unknown }[];
    }>(c);
    const groups = (body.groups ?? []).map((g) => {
      const group = account.groups.find((x) => x.groupId === str(g.groupId));
      if (!group)
        return {
          groupId: str(g.groupId),
          errorDetails: { errorCode: 'INVALID_GROUP_ID', message: 'Invalid group ID.' },
        };
      if (str(g.groupName)) group.groupName = str(g.groupName)!;
      if (str(g.permissionProfileId)) group.permissionProfileId = str(g.permissionProfileId);
      return groupView(account, group);
    });
    return c.json({ groups });
  });

  app.delete('/groups', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const body = await readJson<{ groups?: { groupId?: unknown }[] }>(c);
    const groups = (body.groups ?? []).map((g) => {
      const id = str(g.groupId);
      const group = account.groups.find((x) => x.groupId === id);
      if (!group)
        return { groupId: id, errorDetails: { errorCode: 'INVALID_GROUP_ID', message: 'Invalid group ID.' } };
      if (group.groupType !== 'customGroup') {
        return {
          groupId: id,
          errorDetails: { errorCode: 'CANNOT_DELETE_GROUP', message: 'System groups cannot be deleted.' },
        };
      }
      const view = groupView(account, group);
      account.groups = account.groups.filter((x) => x !== group);
      for (const userId of group.userIds) {
        const m = account.membersById.get(userId);
        if (m) m.groupIds = m.groupIds.filter((x) => x !== group.groupId);
      }
      return view;
    });
    return c.json({ groups });
  });

  app.get('/groups/:groupId/users', (c) => {
    const account = c.get('account');
    return c.json(groupUsersPage(c, sim, account, findGroup(account, c.req.param('groupId'))));
  });

  const changeMembers = (add: boolean) => async (c: Ctx) => {
    requireAdmin(c);
    const account = c.get('account');
    const group = findGroup(account, c.req.param('groupId') ?? '');
    if (group.groupType !== 'customGroup') {
      throw new EsignError('INVALID_GROUP_ID', 'Members of system groups cannot be changed directly.');
    }
    const body = await readJson<{ users?: { userId?: unknown }[] }>(c);
    const users = (body.users ?? []).map((u) => {
      const id = str(u.userId) ?? '';
      const m = account.membersById.get(id);
      if (!m)
        return { userId: id, errorDetails: { errorCode: 'INVALID_USERID', message: 'Invalid UserId.' } };
      if (add) {
        group.userIds.add(id);
        if (!m.groupIds.includes(group.groupId)) m.groupIds = [...m.groupIds, group.groupId];
      } else {
        group.userIds.delete(id);
        m.groupIds = m.groupIds.filter((x) => x !== group.groupId);
      }
      return userInfoView(sim.state, account, m);
    });
    return c.json({ users });
  };
  app.put('/groups/:groupId/users', changeMembers(true));
  app.delete('/groups/:groupId/users', changeMembers(false));

  app.get('/permission_profiles', (c) => {
    const account = c.get('account');
    const include = listParam(c.req.query('include'));
    return c.json({
      permissionProfiles: account.permissionProfiles.map((p) => profileView(account, p, include)),
    });
  });

  app.get('/permission_profiles/:permissionProfileId', (c) => {
    const account = c.get('account');
    const p = account.permissionProfiles.find(
      (x) => x.permissionProfileId === c.req.param('permissionProfileId'),
    );
    if (!p) throw new EsignError('INVALID_PERMISSION_PROFILE_ID', 'The permission profile ID is invalid.');
    return c.json(profileView(account, p, listParam(c.req.query('include'))));
  });
}
