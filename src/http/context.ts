import type { Logger } from './logger';

/** Values the middleware chain puts on the Hono context for handlers. */
export interface GatewayVariables {
  requestId: string;
  logger: Logger;
  /** Set by API-key auth on protected routes. */
  auth: { environmentId: string; apiKeyId: string };
}

export interface GatewayEnv {
  Variables: GatewayVariables;
}
