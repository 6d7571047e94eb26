import type { Logger } from './logger';

/** Values the middleware chain puts on the Hono context for handlers. */
export interface GatewayVariables {
  requestId: string;
  /** Headers to add to the response, applied after the handler (see `response-headers.ts`). */
  responseHeaders: Record<string, string>;
  logger: Logger;
  /** Set by API-key auth on protected routes. */
  auth: { environmentId: string; apiKeyId: string };
  /** The status of a response the handler wrote to the Node socket itself (it returns a placeholder). */
  sentStatus?: number;
}

export interface GatewayEnv {
  Variables: GatewayVariables;
}
