/** Admin API: organizations visible to the caller. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { accountsOfUser } from '../state';
import { iso } from './common';

/** Registers `GET /v2/organizations`. */
export function registerOrganizationRoutes(app: Hono<SimEnv>, sim: SimContext): void {
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
}
