/** eSignature users: list, get, create, update, close. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { compact, iso, userInformationView, userInfoView } from '../esignature-views';
import { createRandom } from '../random';
import {
  addMembership,
  hash32,
  indexUser,
  reindexEmail,
  type SimMembership,
  type UserStatus,
  userIdsByEmail,
} from '../state';
import {
  EsignError,
  listParam,
  pageFields,
  readJson,
  requireAdmin,
  startAndCount,
  str,
  truthy,
} from './common';

const STATUSES: Record<string, UserStatus> = {
  active: 'Active',
  activationsent: 'ActivationSent',
  activationrequired: 'ActivationRequired',
  closed: 'Closed',
  disabled: 'Disabled',
};

interface UserBody {
  userId?: unknown;
  userName?: unknown;
  firstName?: unknown;
  lastName?: unknown;
  email?: unknown;
  jobTitle?: unknown;
  company?: unknown;
  permissionProfileId?: unknown;
  isAdmin?: unknown;
  userStatus?: unknown;
  groupList?: { groupId?: unknown }[];
}

function splitName(userName: string): { first: string; last: string } {
  const parts = userName.trim().split(/\s+/);
  return { first: parts[0] ?? '', last: parts.slice(1).join(' ') };
}

/** Registers `/users` routes on the account-scoped eSignature app. */
export function registerUserRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/users', (c) => {
    const account = c.get('account');
    const { start, count } = startAndCount(c);
    const email = c.req.query('email');
    const emailSub = c.req.query('email_substring')?.toLowerCase();
    const nameSub = c.req.query('user_name_substring')?.toLowerCase();
    if (email && emailSub) {
      throw new EsignError('INVALID_REQUEST_PARAMETER', 'Use either email or email_substring, not both.');
    }
    const statuses = [...listParam(c.req.query('status'))].map((s) => STATUSES[s]);
    if (statuses.includes(undefined))
      throw new EsignError('INVALID_REQUEST_PARAMETER', 'Invalid status value.');
    const groupIds = listParam(c.req.query('group_id'));
    const notGroupIds = listParam(c.req.query('not_group_id'));

    let candidates: SimMembership[];
    if (email) {
      candidates = userIdsByEmail(sim.state, email)
        .map((id) => account.membersById.get(id))
        .filter((m): m is SimMembership => m !== undefined);
    } else {
      candidates = account.members;
    }
    const filtered =
      statuses.length > 0 || emailSub || nameSub || groupIds.size > 0 || notGroupIds.size > 0
        ? candidates.filter((m) => {
            if (statuses.length > 0 && !statuses.includes(m.status)) return false;
            const user = sim.state.users.get(m.userId)!;
            if (emailSub && !user.email.toLowerCase().includes(emailSub)) return false;
            if (nameSub && !`${user.firstName} ${user.lastName}`.toLowerCase().includes(nameSub))
              return false;
            if (groupIds.size > 0 && !m.groupIds.some((g) => groupIds.has(g))) return false;
            if (notGroupIds.size > 0 && m.groupIds.some((g) => notGroupIds.has(g))) return false;
            return true;
          })
        : candidates;
    const page = filtered.slice(start, start + count);
    const full = truthy(c.req.query('additional_info'));
    const users = page.map((m) => {
      const view = userInformationView(sim.state, account, m);
      if (!full) delete view.groupList;
      return view;
    });
    return c.json({ users, ...pageFields(c, sim, start, users.length, filtered.length, count) });
  });

  app.get('/users/:userId', (c) => {
    const account = c.get('account');
    const m = account.membersById.get(c.req.param('userId'));
    if (!m) throw new EsignError('INVALID_USERID', 'Invalid UserId.');
    return c.json(userInformationView(sim.state, account, m));
  });

  app.post('/users', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const body = await readJson<{ newUsers?: UserBody[] }>(c);
    if (!Array.isArray(body.newUsers) || body.newUsers.length === 0) {
      throw new EsignError('INVALID_REQUEST_BODY', 'The request body must contain newUsers.');
    }
    const now = sim.now();
    const newUsers = body.newUsers.map((u) => {
      const email = str(u.email)?.trim();
      const userName =
        str(u.userName)?.trim() || [str(u.firstName), str(u.lastName)].filter(Boolean).join(' ');
      if (!email || !userName) {
        return {
          email: email ?? '',
          errorDetails: { errorCode: 'INVALID_REQUEST_BODY', message: 'email and userName are required.' },
        };
      }
      const existingId = userIdsByEmail(sim.state, email)[0];
      if (existingId && account.membersById.has(existingId)) {
        return {
          email,
          userName,
          errorDetails: {
            errorCode: 'USER_ALREADY_EXISTS_IN_ACCOUNT',
            message: 'Username and email combination already exists for this account.',
          },
        };
      }
      let user = existingId ? sim.state.users.get(existingId) : undefined;
      if (!user) {
        const split = splitName(userName);
        user = {
          userId: createRandom(hash32(`${sim.state.seed}:user:${email}:${now}`)).guid(),
          firstName: str(u.firstName) ?? split.first,
          lastName: str(u.lastName) ?? split.last,
          email,
          createdMs: now,
        };
        indexUser(sim.state, user);
      }
      const profileId = str(u.permissionProfileId);
      const profile =
        account.permissionProfiles.find((p) => p.permissionProfileId === profileId) ??
        account.permissionProfiles[1]!;
      const membership: SimMembership = {
        userId: user.userId,
        membershipId: createRandom(
          hash32(`${sim.state.seed}:membership:${account.accountId}:${user.userId}`),
        ).guid(),
        status: 'ActivationSent',
        permissionProfileId: profile.permissionProfileId,
        isAdmin: truthy(u.isAdmin),
        addedMs: now,
        modifiedMs: now,
        jobTitle: str(u.jobTitle),
        company: str(u.company),
        groupIds: [],
      };
      for (const g of u.groupList ?? []) {
        const group = account.groups.find(
          (x) => x.groupId === str(g.groupId) && x.groupType === 'customGroup',
        );
        if (group) {
          group.userIds.add(user.userId);
          membership.groupIds.push(group.groupId);
        }
      }
      addMembership(account, membership);
      return compact({
        userId: user.userId,
        userName,
        email,
        userStatus: membership.status,
        membershipId: membership.membershipId,
        permissionProfileId: profile.permissionProfileId,
        permissionProfileName: profile.permissionProfileName,
        createdDateTime: iso(now),
        uri: `/users/${user.userId}`,
      });
    });
    return c.json({ newUsers }, 201);
  });

  app.put('/users/:userId', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const m = account.membersById.get(c.req.param('userId'));
    if (!m) throw new EsignError('INVALID_USERID', 'Invalid UserId.');
    const body = await readJson<UserBody>(c);
    const user = sim.state.users.get(m.userId)!;
    if (str(body.firstName) !== undefined) user.firstName = str(body.firstName)!;
    if (str(body.lastName) !== undefined) user.lastName = str(body.lastName)!;
    if (
      str(body.userName) !== undefined &&
      str(body.firstName) === undefined &&
      str(body.lastName) === undefined
    ) {
      const split = splitName(str(body.userName)!);
      user.firstName = split.first;
      user.lastName = split.last;
    }
    const email = str(body.email);
    if (email && email.toLowerCase() !== user.email.toLowerCase()) reindexEmail(sim.state, user, email);
    if (str(body.jobTitle) !== undefined) m.jobTitle = str(body.jobTitle);
    if (str(body.company) !== undefined) m.company = str(body.company);
    const profileId = str(body.permissionProfileId);
    if (profileId !== undefined) {
      if (!account.permissionProfiles.some((p) => p.permissionProfileId === profileId)) {
        throw new EsignError('INVALID_PERMISSION_PROFILE_ID', 'The permission profile ID is invalid.');
      }
      m.permissionProfileId = profileId;
    }
    if (body.isAdmin !== undefined) m.isAdmin = truthy(body.isAdmin);
    m.modifiedMs = sim.now();
    return c.json(userInformationView(sim.state, account, m));
  });

  app.delete('/users', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const body = await readJson<{ users?: { userId?: unknown }[] }>(c);
    const removeGroups = listParam(c.req.query('delete')).has('groups');
    const now = sim.now();
    const users = (body.users ?? []).map((u) => {
      const id = str(u.userId) ?? '';
      const m = account.membersById.get(id);
      if (!m)
        return { userId: id, errorDetails: { errorCode: 'INVALID_USERID', message: 'Invalid UserId.' } };
      m.status = 'Closed';
      m.closedMs = now;
      m.modifiedMs = now;
      if (removeGroups) {
        for (const g of account.groups) g.userIds.delete(id);
        m.groupIds = [];
      }
      return userInfoView(sim.state, account, m);
    });
    return c.json({ users });
  });
}
