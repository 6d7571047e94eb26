/** Admin API (`/management/v2[.1]/organizations…`): organizations, org users, profiles, memberships, account permissions and groups. */
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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
  type UserStatus,
  userIdsByEmail,
} from '../state';

type Ctx = Context<SimEnv>;
type Body = Record<string, unknown>;

/** Thrown by Admin handlers; rendered as `{error, error_description}`. */
export class AdminError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status: ContentfulStatusCode = 400,
  ) {
    super(description);
  }
}

const STATUS: Record<UserStatus, string> = {
  Active: 'active',
  ActivationSent: 'activation_sent',
  ActivationRequired: 'activation_required',
  Closed: 'closed',
  Disabled: 'disabled',
};
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const intParam = (c: Ctx, name: string, fallback: number): number => {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n) || n < 0)
    throw new AdminError('invalid_request', `${name} must be a non-negative integer.`);
  return n;
};

function clean<T extends Body>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function org(c: Ctx, sim: SimContext) {
  const o = sim.state.organization;
  if (c.req.param('organizationId')?.toLowerCase() !== o.organizationId) {
    throw new AdminError('not_found', 'The organization was not found.', 404);
  }
  if (!o.adminUserIds.has(c.get('grant').userId)) {
    throw new AdminError('forbidden', 'The user is not an administrator of this organization.', 403);
  }
  return o;
}

function orgAccount(c: Ctx, sim: SimContext): SimAccount {
  const o = org(c, sim);
  const account = findAccount(sim.state, c.req.param('accountId') ?? '');
  if (!account || !o.accountIds.includes(account.accountId)) {
    throw new AdminError('not_found', 'The account is not part of this organization.', 404);
  }
  return account;
}

function membershipView(sim: SimContext, account: SimAccount, m: SimMembership, user: SimUser) {
  const profile = account.permissionProfiles.find((p) => p.permissionProfileId === m.permissionProfileId);
  return clean({
    id: m.membershipId,
    email: user.email,
    account_id: account.accountId,
    external_account_id: String(account.externalAccountId),
    account_name: account.accountName,
    is_external_account: !sim.state.organization.accountIds.includes(account.accountId),
    status: STATUS[m.status],
    permission_profile: profile
      ? { id: Number(profile.permissionProfileId), name: profile.permissionProfileName }
      : undefined,
    created_on: iso(m.addedMs),
    groups: groupsOfMember(account, m).map((g) => ({
      id: Number(g.groupId),
      name: g.groupName,
      type: g.groupType,
    })),
    is_admin: m.isAdmin,
  });
}

function drilldownView(sim: SimContext, user: SimUser) {
  const o = sim.state.organization;
  const accounts = accountsOfUser(sim.state, user.userId);
  const defaultAccount = accounts[0];
  const active = accounts.some((a) => a.membersById.get(user.userId)?.status === 'Active');
  return clean({
    id: user.userId,
    site_id: 1,
    user_name: `${user.firstName} ${user.lastName}`,
    first_name: user.firstName,
    last_name: user.lastName,
    user_status: active ? 'active' : 'closed',
    default_account_id: defaultAccount?.accountId,
    default_account_name: defaultAccount?.accountName,
    language_culture: 'en',
    federated_status: 'None',
    is_organization_admin: o.adminUserIds.has(user.userId),
    created_on: iso(user.createdMs),
    last_login: iso(user.lastLoginMs),
    memberships: accounts.map((a) => membershipView(sim, a, a.membersById.get(user.userId)!, user)),
    identities: [],
    device_verification_enabled: false,
    require_two_step_verification: false,
    is_managed_by_scim: false,
  });
}

function orgUserView(user: SimUser, m: SimMembership | undefined) {
  return clean({
    id: user.userId,
    user_name: `${user.firstName} ${user.lastName}`,
    first_name: user.firstName,
    last_name: user.lastName,
    user_status: m ? (m.status === 'Closed' ? 'closed' : 'active') : 'active',
    membership_status: m ? STATUS[m.status] : undefined,
    email: user.email,
    created_on: iso(user.createdMs),
    membership_created_on: iso(m?.addedMs),
    membership_closed_on: iso(m?.closedMs),
    membership_id: m?.membershipId,
    is_membership_managed_by_scim: false,
    is_managed_by_scim: false,
  });
}

function paging(c: Ctx, sim: SimContext, start: number, returned: number, total: number, take: number) {
  const url = new URL(c.req.url);
  const link = (position: number) => {
    const q = new URLSearchParams(url.search);
    q.set('start', String(position));
    q.set('take', String(take));
    q.delete('end');
    return `${sim.origin}${url.pathname}?${q.toString()}`;
  };
  return clean({
    result_set_size: returned,
    result_set_start_position: start,
    result_set_end_position: returned === 0 ? start : start + returned - 1,
    total_set_size: total,
    next: start + returned < total ? link(start + returned) : undefined,
    previous: start > 0 ? link(Math.max(0, start - take)) : undefined,
  });
}

function usersByEmail(sim: SimContext, email: string): SimUser[] {
  return userIdsByEmail(sim.state, email).map((id) => sim.state.users.get(id)!);
}

function inOrg(sim: SimContext, user: SimUser): boolean {
  return sim.state.organization.accountIds.some((id) =>
    sim.state.accounts.get(id)?.membersById.has(user.userId),
  );
}

/** Builds the Admin API sub-app (mounted at `/management`). */
export function createAdminApp(sim: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  const org_ = (c: Ctx) => org(c, sim);

  app.get('/v2/organizations', (c) => {
    const userId = c.get('grant').userId;
    const org = sim.state.organization;
    const mode = c.req.query('mode') ?? 'org_admin';
    const visible =
      mode === 'account_membership'
        ? accountsOfUser(sim.state, userId).some((a) => org.accountIds.includes(a.accountId))
        : org.adminUserIds.has(userId);
    if (!visible) return c.json({ organizations: [] });
    return c.json({
      organizations: [
        {
          id: org.organizationId,
          name: org.name,
          default_account_id: org.defaultAccountId,
          created_on: iso(org.createdMs),
          created_by: org.createdBy,
          last_modified_on: iso(org.createdMs),
          last_modified_by: org.createdBy,
          accounts: org.accountIds.map((id) => {
            const a = sim.state.accounts.get(id)!;
            return {
              id: a.accountId,
              name: a.accountName,
              external_account_id: a.externalAccountId,
              site_id: a.siteId,
            };
          }),
          links: [{ rel: 'self', href: `${sim.origin}/management/v2/organizations/${org.organizationId}` }],
        },
      ],
    });
  });

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

  app.get('/v2/organizations/:organizationId/accounts/:accountId/permissions', (c) => {
    const account = orgAccount(c, sim);
    return c.json({
      permissions: account.permissionProfiles.map((p) => ({
        id: Number(p.permissionProfileId),
        name: p.permissionProfileName,
      })),
    });
  });

  app.get('/v2/organizations/:organizationId/accounts/:accountId/groups', (c) => {
    const account = orgAccount(c, sim);
    const start = intParam(c, 'start', 0);
    const take = Math.min(intParam(c, 'take', 20), 250);
    const page = account.groups
      .slice(start, start + take)
      .map((g) => ({ id: Number(g.groupId), name: g.groupName, type: g.groupType }));
    return c.json({ groups: page, paging: paging(c, sim, start, page.length, account.groups.length, take) });
  });

  const productProfiles = (account: SimAccount, only?: string) => ({
    product_permission_profiles: [
      {
        product_id: sim.state.organization.esignProductId,
        product_name: 'ESign',
        permission_profiles: account.permissionProfiles
          .filter((p) => only === undefined || p.permissionProfileId === only)
          .map((p) => ({
            permission_profile_id: p.permissionProfileId,
            permission_profile_name: p.permissionProfileName,
          })),
      },
    ],
  });

  app.get('/v2.1/organizations/:organizationId/accounts/:accountId/products/permission_profiles', (c) =>
    c.json(productProfiles(orgAccount(c, sim))),
  );

  app.get(
    '/v2.1/organizations/:organizationId/accounts/:accountId/products/users/:userId/permission_profiles',
    (c) => {
      const account = orgAccount(c, sim);
      const m = account.membersById.get(c.req.param('userId').toLowerCase());
      if (!m) throw new AdminError('not_found', 'The user is not a member of this account.', 404);
      return c.json(productProfiles(account, m.permissionProfileId));
    },
  );

  return app;
}
