import { apiKeyAuth, VerifiedKeyCache } from './api-keys/api-key-auth';
import type { ApplicationBranding } from './config';
import { createAccountCache } from './connections/account-cache';
import { clientCredentialsFor } from './connections/client-credentials';
import type { ConnectionsContext } from './connections/context';
import type { DocusignAppConfig } from './connections/docusign-app';
import { createDbTokenStore } from './credentials/db-token-store';
import { createTokenManager } from './credentials/token-manager';
import { createVault, parseEncryptionKeys } from './credentials/vault';
import type { Database } from './db/client';
import { docusignHosts } from './docusign/hosts';
import { createLinkStateSigner } from './docusign/link-state';
import { createDocusignOAuthClient, type DocusignOAuthClient } from './docusign/oauth';
import { createConnectKeyCache } from './events/connect-key-cache';
import type { EventsContext } from './events/context';
import { importCursorKey } from './http/cursor';
import { createErrorHandler, notFoundHandler } from './http/error-handler';
import { createJsonLogger, type Logger } from './http/logger';
import { accessLog } from './http/middleware/access-log';
import { bodySizeLimit } from './http/middleware/body-limit';
import { idempotency } from './http/middleware/idempotency';
import { inputGuard } from './http/middleware/input-guard';
import { requestId } from './http/middleware/request-id';
import { createRouter } from './http/openapi';
import {
  createRateLimiter,
  MemoryRateLimitStore,
  type RateLimitStore,
  rateLimitPerApiKey,
} from './http/rate-limit';
import { BUNDLED_MAPPINGS } from './mapping/bundled-mappings';
import { createMappingCatalog } from './mapping/catalog';
import { type MappingSet, mappingsFromObjects } from './mapping/definitions';
import { createFunctionRegistry } from './mapping/functions';
import { createOverridesStore } from './mapping/overrides-store';
import { buildOpenApiDocument, registerSecurityScheme } from './openapi-document';
import { registerAdminApiKeys } from './routes/admin-api-keys';
import { registerLinkTokens } from './routes/connect/link-tokens';
import { registerConnectPages } from './routes/connect/pages';
import { type DocsScriptLoader, registerDocs } from './routes/docs';
import { registerDocusignConnect } from './routes/docusign-connect';
import { registerHealth } from './routes/health';
import { registerIntegratedAccounts } from './routes/integrated-accounts';
import { registerMappingOverrides } from './routes/mapping-overrides';
import { registerMeta } from './routes/meta';
import { registerProxy } from './routes/proxy';
import { registerCollections } from './routes/unified/e-signature/collections';
import { registerContacts } from './routes/unified/e-signature/contacts';
import { registerDocumentFields } from './routes/unified/e-signature/document-fields';
import { registerDocuments } from './routes/unified/e-signature/documents';
import { registerESignatureGroups } from './routes/unified/e-signature/groups';
import { registerSigningRequests } from './routes/unified/e-signature/signing-requests';
import { registerTemplates } from './routes/unified/e-signature/templates';
import { registerESignatureUsers } from './routes/unified/e-signature/users';
import { registerUserDirectory } from './routes/unified/user-directory';
import { registerWebhookSubscriptions } from './routes/webhook-subscriptions';
import { DEVELOPMENT_ENVIRONMENT } from './startup/bootstrap';
import { createUpstreamClient, type UpstreamClientDeps } from './upstream/client';
import type { NodeBodyPassage } from './upstream/node-body';
import { createUtilizationJobs, type SyncLimits } from './utilization/sync-job';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from './webhooks/retry-schedule';
import type { SubscriberUrlPolicy } from './webhooks/subscriber-url';

/** The part of Config the app itself reads. */
export interface AppConfig {
  publicUrl: string;
  bodyLimitBytes: number;
  /** Per-API-key limit; omitted = 500 requests / 10 s. */
  rateLimit?: { requests: number; windowSeconds: number };
  /** The application named on the hosted connect page; default "An application". */
  application?: ApplicationBranding;
  /** Outbound webhooks: `allowPrivateUrls` (WEBHOOKS_ALLOW_PRIVATE_URLS) permits http and private/loopback targets. */
  webhooks?: { allowPrivateUrls?: boolean; retry?: Partial<RetrySchedule> };
  /** `registerConnect` (EVENTS_CONNECT_REGISTRATION, default on): register DocuSign Connect on read_write connections. */
  events?: { registerConnect?: boolean };
}

/** Everything the app needs from the outside; tests pass fakes (clock, fetch, an in-memory database). */
export interface AppDeps {
  config: AppConfig;
  db: Database;
  /** `ENCRYPTION_KEYS` (credentials at rest) and `SIGNING_SECRET` (cursors, OAuth state). */
  secrets: { encryptionKeys: string; signingSecret: string };
  /** DocuSign environments and integration keys; defaults to demo and production without a code-grant key. */
  docusign?: DocusignAppConfig;
  logger?: Logger;
  /** Milliseconds clock. */
  now?: () => number;
  /** The fetch every DocuSign call uses (Node: undici with keep-alive; tests: the simulator). */
  fetch?: typeof fetch;
  /** Node: large downloads through the proxy and `download` as Node streams, socket to socket. */
  nodeBodies?: NodeBodyPassage;
  /** Retry/timeout/budget settings of the upstream client (tests shorten the waits). */
  upstream?: UpstreamClientDeps['config'];
  /** Sleep used between upstream retries (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
  /** Refresh access tokens when less than this remains (default 5 minutes). */
  tokenRefreshMarginMs?: number;
  /** How long an access token read from the database is reused in this process (default 5 s; 0: read every call). */
  tokenReuseMs?: number;
  /** How long the mapping overrides of a resource are reused in this process (default 5 s; 0: read every call). */
  overridesReuseMs?: number;
  /** Where the per-API-key rate limit counts; default in memory (one process). */
  rateLimitStore?: RateLimitStore;
  /** How long a verified API key is trusted before the database is asked again. */
  apiKeyCacheTtlMs?: number;
  /** How long the proxy and unified calls reuse a connection row in the process (default 2 s; 0 = never). */
  accountCacheTtlMs?: number;
  /** How long DocuSign Connect in reuses a connection's opened HMAC keys in the process (default 2 s; 0 = never). */
  connectKeyCacheTtlMs?: number;
  /** The `/docs` page's script (Node: read from the installed package); without it `/docs` is not served. */
  docsScript?: DocsScriptLoader;
  /** Mapping files (Node: `loadMappings('mappings')`); default: the copies bundled at build time. */
  mappings?: MappingSet;
  /** Limits of utilization sync jobs (calls per hour, bounds on pages, time and memory). */
  utilization?: Partial<SyncLimits>;
  /** Resolves a subscriber's host name before each delivery (Node: DNS), so names of private addresses are refused. */
  resolveHost?: (hostname: string) => Promise<string[]>;
}

/** DocuSign's public environments, with no integration key for the code grant. */
export const PUBLIC_DOCUSIGN_ENVIRONMENTS: DocusignAppConfig = {
  defaultEnvironment: 'demo',
  environments: {
    demo: { ...docusignHosts('demo'), clientId: undefined, clientSecret: undefined },
    production: { ...docusignHosts('production'), clientId: undefined, clientSecret: undefined },
  },
};

// Paths that do not take an API key: health, the API description, the hosted connect page and its
// OAuth callback (the end user's browser has no key), DocuSign's inbound webhooks (signed instead), and key
// management (its own token, see routes/admin-api-keys.ts).
const PUBLIC_PATH =
  /^\/(?:health|openapi\.json|docs\/?|docs\/scalar\.js|favicon\.ico|oauth\/callback)$|^\/(?:link|webhooks|admin)\//;

/** Builds the gateway's Hono app. No globals and no runtime-specific imports: Node and Workers both call this. */
export function createApp(deps: AppDeps) {
  const timeOrigin = performance.timeOrigin;
  const now = deps.now ?? (() => timeOrigin + performance.now());
  const logger = deps.logger ?? createJsonLogger('info');
  const app = createRouter();
  const keyCache = new VerifiedKeyCache({ ttlMs: deps.apiKeyCacheTtlMs, now });
  const auth = apiKeyAuth({ db: deps.db, now }, keyCache);
  const services = createServices(deps, logger, now);
  const limiter = createRateLimiter({
    store: deps.rateLimitStore ?? new MemoryRateLimitStore(),
    limit: deps.config.rateLimit?.requests,
    windowMs: deps.config.rateLimit ? deps.config.rateLimit.windowSeconds * 1000 : undefined,
    now,
  });
  const limitPerKey = rateLimitPerApiKey(limiter);

  app.onError(createErrorHandler(logger));
  app.notFound(notFoundHandler);
  app.use('*', requestId, accessLog(logger, now));
  app.use('*', bodySizeLimit({ maxBytes: deps.config.bodyLimitBytes, streamingPaths: /^\/proxy\// }));
  app.use('*', async (c, next) => {
    if (PUBLIC_PATH.test(c.req.path)) return next();
    return auth(c, async () => {
      await limitPerKey(c, next);
    });
  });
  // After auth, so a caller without a key learns that first.
  app.use('*', inputGuard({ streamingPaths: /^\/proxy\// }));

  app.use('/unified/*', idempotency(deps.db, now));

  registerSecurityScheme(app);
  registerHealth(app, { db: deps.db, now });
  registerMeta(app);
  registerLinkTokens(app, services.connections);
  registerConnectPages(app, services.connections, deps.config.application ?? { name: 'An application' });
  registerIntegratedAccounts(app, services.connections, services.cursorKey);
  registerProxy(app, services.connections, {
    maxBodyBytes: deps.config.bodyLimitBytes,
    nodeBodies: deps.nodeBodies,
  });
  registerUserDirectory(app, services.unified);
  registerSigningRequests(app, services.unified, deps.nodeBodies);
  registerDocuments(app, services.unified);
  registerDocumentFields(app, services.unified);
  registerTemplates(app, services.unified);
  registerCollections(app, services.unified);
  registerContacts(app, services.unified);
  registerESignatureGroups(app, services.unified);
  registerESignatureUsers(app, services.unified);
  registerMappingOverrides(app, { ...services.unified, now });
  registerAdminApiKeys(app, {
    db: deps.db,
    keyCache,
    signingSecret: deps.secrets.signingSecret,
    now,
    defaultEnvironment: DEVELOPMENT_ENVIRONMENT,
  });
  registerDocusignConnect(app, services.events, deps.config.publicUrl);
  registerWebhookSubscriptions(app, {
    ...services.webhooks,
    retryWindowMs: services.webhooks.retry.windowMs,
  });

  app.get('/openapi.json', (c) => c.json(buildOpenApiDocument(app, deps.config.publicUrl)));
  registerDocs(app, deps.docsScript);
  app.get('/favicon.ico', (c) => c.body(null, 204));
  // Entry points reach the token manager (scheduled refresh) and upstream client through `services`.
  return Object.assign(app, {
    services: {
      tokens: services.tokens,
      upstream: services.upstream,
      events: services.events,
      webhooks: services.webhooks,
      utilization: services.unified.utilization,
    },
  });
}

/** The shared services behind the routes: vault, token manager, upstream client, signer. */
function createServices(deps: AppDeps, logger: Logger, now: () => number) {
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
  const vault = createVault(parseEncryptionKeys(deps.secrets.encryptionKeys));
  const docusign = deps.docusign ?? PUBLIC_DOCUSIGN_ENVIRONMENTS;
  const oauthClients = new Map<string, DocusignOAuthClient>();
  const oauthClient = (oauthBase: string) => {
    let client = oauthClients.get(oauthBase);
    if (!client) {
      client = createDocusignOAuthClient({ oauthBase, fetch: fetchImpl, now });
      oauthClients.set(oauthBase, client);
    }
    return client;
  };
  const tokens = createTokenManager({
    store: createDbTokenStore(deps.db),
    vault,
    now,
    refreshMarginMs: deps.tokenRefreshMarginMs,
    reuseMs: deps.tokenReuseMs ?? 5_000,
    oauth: (credentials) => oauthClient(credentials.oauthBase!),
    clientCredentials: (id) => clientCredentialsFor(deps.db, vault, docusign, id),
  });
  const upstream = createUpstreamClient({
    fetch: fetchImpl,
    fetchKeepingNodeBody: deps.nodeBodies?.fetch,
    now,
    sleep: deps.sleep,
    config: deps.upstream,
    logger,
    tokens: {
      getAccessToken: async (id, opts) =>
        (await tokens.getAccessToken(id, { force: opts?.forceRefresh, rejectedToken: opts?.rejectedToken }))
          .accessToken,
    },
  });
  const signer = createLinkStateSigner({ secret: deps.secrets.signingSecret, now });
  const cursorKey = importCursorKey(`cursor:${deps.secrets.signingSecret}`);
  const connections: ConnectionsContext = {
    db: deps.db,
    vault,
    signer,
    docusign,
    oauthClient,
    upstream,
    tokens,
    accounts: createAccountCache(deps.db, now, deps.accountCacheTtlMs),
    publicUrl: deps.config.publicUrl,
    registerConnect: deps.config.events?.registerConnect ?? true,
    logger,
    now,
  };
  const catalog = createMappingCatalog(
    deps.mappings ?? mappingsFromObjects(BUNDLED_MAPPINGS),
    createFunctionRegistry(),
  );
  const utilization = createUtilizationJobs({
    db: deps.db,
    upstream,
    now,
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    logger,
    holder: `utilization-${crypto.randomUUID()}`,
    limits: deps.utilization,
  });
  const unified = {
    utilization,
    accounts: connections.accounts,
    db: deps.db,
    catalog,
    overrides: createOverridesStore(deps.db, { reuseMs: deps.overridesReuseMs ?? 5_000, now }),
    upstream,
    cursorKey,
    now,
  };
  const events: EventsContext = {
    db: deps.db,
    vault,
    catalog,
    overrides: unified.overrides,
    upstream,
    accounts: connections.accounts,
    connectKeys: createConnectKeyCache({ db: deps.db, vault, now }, deps.connectKeyCacheTtlMs),
    now,
  };
  const urlPolicy: SubscriberUrlPolicy = {
    allowPrivateUrls: deps.config.webhooks?.allowPrivateUrls ?? false,
    gatewayOrigins: [new URL(deps.config.publicUrl).origin],
    resolve: deps.resolveHost,
  };
  const webhooks = {
    db: deps.db,
    vault,
    now,
    urlPolicy,
    retry: { ...DEFAULT_RETRY_SCHEDULE, ...deps.config.webhooks?.retry },
  };
  return { connections, cursorKey, tokens, upstream, vault, unified, events, webhooks };
}

export type GatewayApp = ReturnType<typeof createApp>;
