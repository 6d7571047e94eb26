/** Admin API response objects built from simulator records. */
import type { SimContext } from '../context';
import { groupsOfMember } from '../esignature-views';
import { accountsOfUser, type SimAccount, type SimMembership, type SimUser } from '../state';
import { clean, iso, STATUS } from './common';

/** The `MembershipResponse` object. */
export function membershipView(sim: SimContext, account: SimAccount, m: SimMembership, user: SimUser) {
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

/** The `UserDrilldownResponse` object. */
export function drilldownView(sim: SimContext, user: SimUser) {
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

/** The `OrganizationUserResponse` object. */
export function orgUserView(user: SimUser, m: SimMembership | undefined) {
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
