import { Scalar } from '@scalar/hono-api-reference';
import { bodyLimit } from 'hono/body-limit';
import type { Database } from './db/client';
import type { GatewayEnv } from './http/context';
import { createErrorHandler, notFoundHandler } from './http/error-handler';
import { ApiError } from './http/errors';
import { createJsonLogger, type Logger } from './http/logger';
import { accessLog } from './http/middleware/access-log';
import { apiKeyAuth, VerifiedKeyCache } from './http/middleware/api-key-auth';
import { requestId } from './http/middleware/request-id';
import { createRouter } from './http/openapi';
import { buildOpenApiDocument, registerSecurityScheme } from './openapi-document';
import { registerHealth } from './routes/health';
import { registerMeta } from './routes/meta';

/** The part of Config the app itself reads. */
export interface AppConfig {
  publicUrl: string;
  bodyLimitBytes: number;
}

/** Everything the app needs from the outside; tests pass fakes (clock, fetch, an in-memory database). */
export interface AppDeps {
  config: AppConfig;
  db: Database;
  logger?: Logger;
  /** Milliseconds clock. */
  now?: () => number;
  fetch?: typeof fetch;
  /** How long a verified API key is trusted before the database is asked again. */
  apiKeyCacheTtlMs?: number;
}

// Paths that do not take an API key: health, the API description, the hosted connect page and its
// OAuth callback (the end user's browser has no key), and DocuSign's inbound webhooks (signed instead).
const PUBLIC_PATHS = [
  /^\/health$/,
  /^\/openapi\.json$/,
  /^\/docs\/?$/,
  /^\/link\//,
  /^\/oauth\/callback$/,
  /^\/webhooks\//,
];

/** Builds the gateway's Hono app. No globals and no runtime-specific imports: Node and Workers both call this. */
export function createApp(deps: AppDeps) {
  const now = deps.now ?? (() => performance.now() + performance.timeOrigin);
  const logger = deps.logger ?? createJsonLogger('info');
  const app = createRouter();
  const keyCache = new VerifiedKeyCache();
  const auth = apiKeyAuth({ db: deps.db, now, cacheTtlMs: deps.apiKeyCacheTtlMs }, keyCache);

  app.onError(createErrorHandler(logger));
  app.notFound(notFoundHandler);
  app.use('*', requestId, accessLog(logger, now));
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: () => {
        throw new ApiError('payload_too_large', `Request body exceeds ${deps.config.bodyLimitBytes} bytes`);
      },
    }),
  );
  app.use('*', async (c, next) => {
    if (PUBLIC_PATHS.some((pattern) => pattern.test(c.req.path))) return next();
    return auth(c, next);
  });

  registerSecurityScheme(app);
  registerHealth(app, { db: deps.db, now });
  registerMeta(app);

  app.get('/openapi.json', (c) => c.json(buildOpenApiDocument(app)));
  app.get('/docs', Scalar<GatewayEnv>({ url: '/openapi.json', pageTitle: 'DocuSign Unified Gateway' }));
  return app;
}

export type GatewayApp = ReturnType<typeof createApp>;
