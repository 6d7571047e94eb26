/** Admin API: account permission profiles, groups and product permission profiles. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import type { SimAccount } from '../state';
import { AdminError, intParam, orgAccount, paging } from './common';

/** Registers the `/accounts/{accountId}` routes of an organization. */
export function registerOrgAccountRoutes(app: Hono<SimEnv>, sim: SimContext): void {
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
}
