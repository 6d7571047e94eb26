/** Admin API: organization users, profiles (dsprofile) and memberships. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { groupsOfMember } from '../esignature-views';
import { createRandom } from '../random';
import {
  accountsOfUser,
  addMembership,
  findAccount,
  hash32,
  indexUser,
  reindexEmail,
  type SimAccount,
  type SimMembership,
  type SimUser,
} from '../state';
import {
  AdminError,
  type Body,
  type Ctx,
  clean,
  inOrg,
  intParam,
  org,
  paging,
  STATUS,
  str,
  usersByEmail,
} from './common';
import { drilldownView, orgUserView } from './views';

/** Registers the `/users` routes of an organization. */
export function registerOrgUserRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const org_ = (c: Ctx) => org(c, sim);

  app.get('/v2/organizations/:organizationId/users', (c) => {
    const org = org_(c);
    const email = c.req.query('email');
    const accountId = c.req.query('account_id');
    const domainId = c.req.query('organization_reserved_domain_id');
    if (!email && !accountId && !domainId) {
      throw new AdminError(
        'invalid_request',
        'At least one of email, account_id or organization_reserved_domain_id must be specified.',
      );
    }
    const start = intParam(c, 'start', 0);
    const end = c.req.query('end');
    const take = Math.min(
      intParam(c, 'take', end !== undefined ? Math.max(1, intParam(c, 'end', 0) - start + 1) : 20),
      250,
    );
    let account: SimAccount | undefined;
    if (accountId) {
      account = findAccount(sim.state, accountId);
      if (!account || !org.accountIds.includes(account.accountId)) {
        throw new AdminError('invalid_request', 'account_id is not an account of this organization.');
      }
    }
    const memberStatus = c.req.query('membership_status')?.toLowerCase();
    const userStatus = c.req.query('status')?.toLowerCase();
    const like = c.req.query('email_user_name_like')?.toLowerCase();
    const since = c.req.query('last_modified_since')
      ? Date.parse(c.req.query('last_modified_since')!)
      : undefined;
    const domain = domainId
      ? domainId.toLowerCase() === org.reservedDomain.id
        ? `@${org.reservedDomain.hostName}`
        : '\u0000no-such-domain'
      : undefined;

    type Row = { user: SimUser; m: SimMembership | undefined };
    let rows: Row[];
    if (account) {
      rows = account.members.map((m) => ({ user: sim.state.users.get(m.userId)!, m }));
    } else if (email) {
      rows = usersByEmail(sim, email)
        .filter((u) => inOrg(sim, u))
        .map((user) => ({
          user,
          m: accountsOfUser(sim.state, user.userId)[0]?.membersById.get(user.userId),
        }));
    } else {
      const primary = sim.state.accounts.get(org.defaultAccountId)!;
      const seen = new Set<string>();
      rows = [];
      for (const id of org.accountIds) {
        for (const m of sim.state.accounts.get(id)!.members) {
          if (seen.has(m.userId)) continue;
          seen.add(m.userId);
          rows.push({ user: sim.state.users.get(m.userId)!, m: primary.membersById.get(m.userId) ?? m });
        }
      }
    }
    const filtered = rows.filter(({ user, m }) => {
      if (email && user.email.toLowerCase() !== email.toLowerCase()) return false;
      if (domain && !user.email.toLowerCase().endsWith(domain)) return false;
      if (memberStatus && (!m || STATUS[m.status] !== memberStatus)) return false;
      if (userStatus && (m?.status === 'Closed' ? 'closed' : 'active') !== userStatus) return false;
      if (
        like &&
        !user.email.toLowerCase().includes(like) &&
        !`${user.firstName} ${user.lastName}`.toLowerCase().includes(like)
      )
        return false;
      if (since !== undefined && !Number.isNaN(since) && (m?.modifiedMs ?? user.createdMs) < since)
        return false;
      return true;
    });
    const page = filtered.slice(start, start + take).map(({ user, m }) => orgUserView(user, m));
    return c.json({ users: page, paging: paging(c, sim, start, page.length, filtered.length, take) });
  });

  app.post('/v2/organizations/:organizationId/users', async (c) => {
    const org = org_(c);
    const body = (await c.req.json().catch(() => ({}))) as Body;
    const email = str(body.email);
    const accounts = Array.isArray(body.accounts) ? (body.accounts as Body[]) : [];
    if (!email || accounts.length === 0)
      throw new AdminError('invalid_request', 'email and accounts are required.');
    const now = sim.now();
    let user = usersByEmail(sim, email)[0];
    if (!user) {
      user = {
        userId: createRandom(hash32(`${sim.state.seed}:admin-user:${email}:${now}`)).guid(),
        firstName: str(body.first_name) ?? '',
        lastName: str(body.last_name) ?? '',
        email,
        createdMs: now,
      };
      indexUser(sim.state, user);
    }
    const created = accounts.map((a) => {
      const account = findAccount(sim.state, str(a.id) ?? '');
      if (!account || !org.accountIds.includes(account.accountId)) {
        throw new AdminError(
          'invalid_request',
          `Account ${str(a.id) ?? ''} is not part of this organization.`,
        );
      }
      if (account.membersById.has(user.userId))
        throw new AdminError('invalid_request', 'The user is already a member of this account.');
      const profileId = (a.permission_profile as Body | undefined)?.id;
      const profile =
        account.permissionProfiles.find((p) => p.permissionProfileId === String(profileId)) ??
        account.permissionProfiles[1]!;
      const m: SimMembership = {
        userId: user.userId,
        membershipId: createRandom(
          hash32(`${sim.state.seed}:membership:${account.accountId}:${user.userId}`),
        ).guid(),
        status: body.auto_activate_memberships === true ? 'Active' : 'ActivationSent',
        permissionProfileId: profile.permissionProfileId,
        isAdmin: profile === account.permissionProfiles[0],
        addedMs: now,
        modifiedMs: now,
        jobTitle: str(a.job_title),
        company: str(a.company_name),
        groupIds: [],
      };
      addMembership(account, m);
      return clean({
        id: account.accountId,
        site_id: account.siteId,
        permission_profile: { id: Number(profile.permissionProfileId), name: profile.permissionProfileName },
        groups: groupsOfMember(account, m).map((g) => ({
          id: Number(g.groupId),
          name: g.groupName,
          type: g.groupType,
        })),
        company_name: m.company,
        job_title: m.jobTitle,
      });
    });
    return c.json({
      id: user.userId,
      site_id: 1,
      user_name: str(body.user_name) ?? `${user.firstName} ${user.lastName}`,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      language_culture: 'en',
      accounts: created,
    });
  });

  app.post('/v2/organizations/:organizationId/users/profiles', async (c) => {
    org_(c);
    const body = (await c.req.json().catch(() => ({}))) as Body;
    const updates = Array.isArray(body.users) ? (body.users as Body[]) : [];
    const users = updates.map((u) => {
      const user = sim.state.users.get(str(u.id) ?? '');
      if (!user || !inOrg(sim, user)) {
        return {
          id: str(u.id),
          error_details: { error: 'invalid_user', error_description: 'User not found in the organization.' },
        };
      }
      if (str(u.first_name) !== undefined) user.firstName = str(u.first_name)!;
      if (str(u.last_name) !== undefined) user.lastName = str(u.last_name)!;
      const email = str(u.email);
      if (email && email.toLowerCase() !== user.email.toLowerCase()) reindexEmail(sim.state, user, email);
      for (const a of sim.state.accounts.values()) {
        const m = a.membersById.get(user.userId);
        if (m) m.modifiedMs = sim.now();
      }
      return { id: user.userId, site_id: 1, email: user.email };
    });
    return c.json({ success: users.every((u) => !('error_details' in u)), users });
  });

  app.get('/v2/organizations/:organizationId/users/profile', (c) => {
    org_(c);
    const email = c.req.query('email');
    if (!email) throw new AdminError('invalid_request', 'email is required.');
    return c.json({
      users: usersByEmail(sim, email)
        .filter((u) => inOrg(sim, u))
        .map((u) => drilldownView(sim, u)),
    });
  });

  app.get('/v2.1/organizations/:organizationId/users/dsprofile', (c) => {
    org_(c);
    const email = c.req.query('email');
    if (!email) throw new AdminError('invalid_request', 'email is required.');
    return c.json({
      users: usersByEmail(sim, email)
        .filter((u) => inOrg(sim, u))
        .map((u) => drilldownView(sim, u)),
    });
  });

  app.get('/v2.1/organizations/:organizationId/users/:userId/dsprofile', (c) => {
    org_(c);
    const user = sim.state.users.get(c.req.param('userId').toLowerCase());
    if (!user || !inOrg(sim, user))
      throw new AdminError('not_found', 'The user was not found in this organization.', 404);
    return c.json({ users: [drilldownView(sim, user)] });
  });

  app.delete('/v2/organizations/:organizationId/users/:userId/accounts', async (c) => {
    const org = org_(c);
    const user = sim.state.users.get(c.req.param('userId').toLowerCase());
    if (!user || !inOrg(sim, user))
      throw new AdminError('not_found', 'The user was not found in this organization.', 404);
    const body = (await c.req.json().catch(() => ({}))) as Body;
    const accounts = Array.isArray(body.accounts) ? (body.accounts as Body[]) : [];
    if (accounts.length === 0) throw new AdminError('invalid_request', 'accounts is required.');
    const now = sim.now();
    const results = accounts.map((a) => {
      const id = str(a.id) ?? '';
      const account = findAccount(sim.state, id);
      const m = account?.membersById.get(user.userId);
      if (!account || !org.accountIds.includes(account.accountId) || !m) {
        return {
          id,
          error_details: {
            error: 'invalid_membership',
            error_description: 'The user has no membership in this account.',
          },
        };
      }
      m.status = 'Closed';
      m.closedMs = now;
      m.modifiedMs = now;
      return { id: account.accountId };
    });
    return c.json({ success: results.every((r) => !('error_details' in r)), accounts: results });
  });
}
