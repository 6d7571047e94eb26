/** Admin API (`/management/v2[.1]/organizations…`) sub-app. */
import { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { registerOrgAccountRoutes } from './accounts';
import { registerOrganizationRoutes } from './organizations';
import { registerOrgUserRoutes } from './users';

export { AdminError } from './common';

/** Builds the Admin API sub-app (mounted at `/management`). */
export function createAdminApp(sim: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  registerOrganizationRoutes(app, sim);
  registerOrgUserRoutes(app, sim);
  registerOrgAccountRoutes(app, sim);
  return app;
}
