/**
 * A stateful, seeded fake of DocuSign (account server OAuth, eSignature v2.1, Admin API), as a runtime-agnostic
 * Hono app. Built from the official OpenAPI specs (see spec/PROVENANCE.md); behaviour not in the specs is marked
 * where it is implemented.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { getPath } from 'hono/utils/url';
import { AdminError, createAdminApp } from './admin/routes';
import { ConnectDispatcher, type ConnectOptions } from './connect-delivery';
import type { SigningSession, SimContext, SimEnv } from './context';
import {
  completeEnvelope,
  declineRecipient,
  sendEnvelope,
  signRecipient,
  voidEnvelope,
} from './envelope-lifecycle';
import { registerAccountRoutes } from './esignature/account';
import { EsignError } from './esignature/common';
import { registerConnectRoutes } from './esignature/connect';
import { registerContactRoutes } from './esignature/contacts';
import { registerEnvelopePartRoutes } from './esignature/envelope-parts';
import { registerEnvelopeRoutes } from './esignature/envelopes';
import { registerFolderRoutes } from './esignature/folders';
import { registerGroupRoutes } from './esignature/groups';
import { registerTemplateRoutes } from './esignature/templates';
import { registerTransferRuleRoutes } from './esignature/transfer-rules';
import { registerUserRoutes } from './esignature/users';
import { ConnectionResetFault, FaultController, slowStream } from './faults';
import { registerOAuthRoutes } from './oauth-routes';
import { type IssuedTokens, OAuthStore, type SimClient } from './oauth-store';
import { createRandom } from './random';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { RequestLog, type SimApi } from './request-log';
import { type SeedDefaults, type SeedScale, seedState } from './seed';
import { registerSigningRoutes } from './signing-routes';
import { findAccount, hash32, type SimAccount, type SimEnvelope, type SimState } from './state';

export interface SimulatorOptions {
  /** PRNG seed (default 1): the same seed yields the same ids and data. */
  seed?: number;
  /** Size of the primary account (defaults: 120 users, 300 envelopes, 15 templates, 6 custom groups). */
  scale?: SeedScale;
  /** Millisecond clock (default Date.now); tests pass a fake clock. */
  now?: () => number;
  /** Public origin (default http://docusign.sim): used in base_uri, view URLs, Admin paging links and JWT `aud`. */
  origin?: string;
  accessTokenTtlSeconds?: number;
  jwtAccessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  rateLimits?: RateLimitOptions;
  /** Credentials of the default client (defaults are derived from the seed). */
  clientId?: string;
  clientSecret?: string;
  /** Redirect URIs registered for the default client. */
  redirectUris?: string[];
  /** PEM (SPKI) public key registered for the default client, enabling the JWT grant. */
  defaultClientPublicKeyPem?: string;
  /**
   * eSignature `nextUri`/`previousUri` form: `relative` (default; `/v2.1/accounts/{id}/users?start_position=…`,
   * resolved against `{base_uri}/restapi`) or `absolute` (prefixed with origin + `/restapi`).
   */
  nextUriStyle?: 'relative' | 'absolute';
  /** Connect delivery: fetch, HMAC keys, retry/backoff. */
  connect?: ConnectOptions;
}

/** Test actions that stand in for what signers do in DocuSign's UI. */
export interface SimulatorActions {
  sendEnvelope(envelopeId: string): void;
  signRecipient(envelopeId: string, recipientId: string): void;
  declineRecipient(envelopeId: string, recipientId: string, reason?: string): void;
  completeEnvelope(envelopeId: string): void;
  voidEnvelope(envelopeId: string, reason: string): void;
}

export interface DocusignSimulator {
  app: Hono<SimEnv>;
  /** In-process fetch with the signature of global fetch (a reset fault throws TypeError('fetch failed')). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Fetch handler for a real HTTP server; `env.incoming.socket` is destroyed on reset faults. */
  serverFetch(req: Request, env?: unknown): Promise<Response>;
  /** Current public origin (see `setOrigin`). */
  readonly origin: string;
  /** Changes the public origin, e.g. to the URL a real server listens on, so base_uri and links point back to it. */
  setOrigin(origin: string): void;
  state: SimState;
  log: RequestLog;
  faults: FaultController;
  connect: ConnectDispatcher;
  actions: SimulatorActions;
  defaults: SeedDefaults;
  registerClient(client: SimClient): void;
  /** Records consent (default scopes: signature and impersonation, which the JWT grant needs). */
  grantConsent(userId: string, clientId: string, scopes?: string[]): void;
  revokeConsent(userId: string, clientId: string): void;
  /** Invalidates every access and refresh token of a user for a client (next refresh: `invalid_grant`). */
  revokeTokens(userId: string, clientId: string): void;
  /** Issues tokens as if the user had gone through the code grant (consent is recorded). */
  issueTokens(userId?: string, clientId?: string): IssuedTokens;
  /** Finds an account by GUID or external number. */
  account(idOrNumber: string): SimAccount | undefined;
}

const DEFAULT_SCALE: Required<SeedScale> = { users: 120, envelopes: 300, templates: 15, groups: 6 };

function classify(path: string): SimApi {
  if (path.startsWith('/oauth/')) return 'oauth';
  if (path.startsWith('/restapi/')) return 'esignature';
  if (path.startsWith('/management/')) return 'admin';
  return 'other';
}

function bearer(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** Creates a simulator with seeded data. */
export function createDocusignSimulator(options: SimulatorOptions = {}): DocusignSimulator {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const origin = (options.origin ?? 'http://docusign.sim').replace(/\/+$/, '');
  const state: SimState = {
    seed,
    users: new Map(),
    usersByEmail: new Map(),
    accounts: new Map(),
    organization: undefined as unknown as SimState['organization'],
    nextNumericId: 10_000 + (hash32(`ids:${seed}`) % 80_000),
  };
  const scale: Required<SeedScale> = { ...DEFAULT_SCALE };
  for (const [k, v] of Object.entries(options.scale ?? {}))
    if (typeof v === 'number') scale[k as keyof SeedScale] = v;
  const defaults = seedState(state, seed, scale, now());
  if (options.clientId) defaults.clientId = options.clientId;
  if (options.clientSecret) defaults.clientSecret = options.clientSecret;
  for (const account of state.accounts.values()) {
    account.hmacKeys.push(
      createRandom(hash32(`${seed}:hmac:${account.accountId}`))
        .guid()
        .replace(/-/g, ''),
    );
  }

  const oauth = new OAuthStore(now, {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 8 * 3600,
    jwtAccessTokenTtlSeconds: options.jwtAccessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 86_400,
  });
  oauth.registerClient({
    clientId: defaults.clientId,
    clientSecret: defaults.clientSecret,
    redirectUris: options.redirectUris ?? [
      'http://localhost:3000/oauth/callback',
      'http://127.0.0.1:3000/oauth/callback',
    ],
    publicKeyPem: options.defaultClientPublicKeyPem,
  });

  const sim: SimContext = {
    state,
    origin,
    now,
    oauth,
    rateLimiter: new RateLimiter(options.rateLimits ?? {}, now),
    faults: new FaultController(seed),
    log: new RequestLog(),
    connect: new ConnectDispatcher(state, now, options.connect),
    nextUriStyle: options.nextUriStyle ?? 'relative',
    signingSessions: new Map<string, SigningSession>(),
  };

  // The Admin API's base path is `/Management` in the spec; serve it case-insensitively.
  const app = new Hono<SimEnv>({
    getPath: (req) => {
      const path = getPath(req);
      return /^\/management(\/|$)/i.test(path) ? `/management${path.slice(11)}` : path;
    },
  });

  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const path = url.pathname.replace(/^\/management(?=\/|$)/i, '/management');
    const api = classify(path);
    c.set('api', api);
    const at = now();
    let status = 0;
    try {
      for (const rule of sim.faults.matching(c.req.raw)) {
        const delay = sim.faults.latencyOf(rule);
        if (delay > 0) {
          c.set('fault', 'latency');
          await new Promise((r) => setTimeout(r, delay));
        }
        if (rule.resetRate !== undefined && sim.faults.roll() < rule.resetRate) {
          c.set('fault', 'reset');
          throw new ConnectionResetFault();
        }
        if (rule.rateLimitStorm && rule.rateLimitStorm.count > 0) {
          rule.rateLimitStorm.count--;
          c.set('fault', 'rate_limit_storm');
          const headers = { 'Retry-After': String(rule.rateLimitStorm.retryAfterSeconds) };
          c.res =
            api === 'admin'
              ? c.json(
                  { error: 'too_many_requests', error_description: 'Rate limit exceeded.' },
                  429,
                  headers,
                )
              : c.json(
                  {
                    errorCode: 'HOURLY_APINVOCATION_LIMIT_EXCEEDED',
                    message: 'The maximum number of hourly API invocations has been exceeded.',
                  },
                  429,
                  headers,
                );
          status = 429;
          return;
        }
        if (rule.errorRate !== undefined && sim.faults.roll() < rule.errorRate) {
          c.set('fault', 'error');
          const s = rule.errorStatus ?? 503;
          c.res =
            api === 'admin'
              ? c.json({ error: 'server_error', error_description: 'Simulated upstream failure.' }, s)
              : c.json({ errorCode: 'SERVICE_UNAVAILABLE', message: 'Simulated upstream failure.' }, s);
          status = s;
          return;
        }
      }
      await next();
      status = c.res.status;
      const slow = sim.faults.matching(c.req.raw).find((r) => r.slowBody)?.slowBody;
      if (slow && c.res.body) {
        c.set('fault', 'slow_body');
        c.res = new Response(slowStream(c.res.body, slow.bytesPerChunk, slow.delayMs), c.res);
      }
    } finally {
      let grantType: string | undefined;
      let accountId: string | undefined;
      let userId: string | undefined;
      try {
        grantType = c.get('grantType');
        accountId = c.get('account')?.accountId;
        userId = c.get('grant')?.userId;
      } catch {
        // variables are unset for early failures
      }
      sim.log.record({
        at,
        method: c.req.method,
        path,
        query: Object.fromEntries(url.searchParams),
        status,
        api,
        grantType,
        accountId: accountId ?? (api === 'admin' ? path.match(/\/accounts\/([^/]+)/)?.[1] : undefined),
        userId,
        fault: c.get('fault'),
      });
    }
  });

  app.onError((err, c) => {
    if (err instanceof ConnectionResetFault) throw err;
    if (err instanceof EsignError)
      return c.json({ errorCode: err.errorCode, message: err.message }, err.status);
    if (err instanceof AdminError)
      return c.json({ error: err.error, error_description: err.description }, err.status);
    if (err instanceof HTTPException) return err.getResponse();
    const message = err instanceof Error ? err.message : String(err);
    if (c.get('api') === 'admin') return c.json({ error: 'internal_error', error_description: message }, 500);
    return c.json({ errorCode: 'INTERNAL_SERVER_ERROR', message }, 500);
  });

  app.notFound((c) => {
    if (c.get('api') === 'admin')
      return c.json({ error: 'not_found', error_description: 'The requested resource was not found.' }, 404);
    return c.json(
      { errorCode: 'RESOURCE_NOT_FOUND', message: 'The URL provided does not resolve to a resource.' },
      404,
    );
  });

  registerOAuthRoutes(app, sim);
  registerSigningRoutes(app, sim);

  const es = new Hono<SimEnv>();
  es.use('*', async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const grant = token ? oauth.lookupAccessToken(token) : 'unknown';
    if (typeof grant === 'string') {
      throw new EsignError(
        'USER_AUTHENTICATION_FAILED',
        grant === 'expired'
          ? 'The access token has expired.'
          : 'One or both of Username and Password are invalid. Invalid access token',
        401,
      );
    }
    c.set('grant', grant);
    const account = findAccount(state, c.req.param('accountId') ?? '');
    const membership = account?.membersById.get(grant.userId);
    if (!account || !membership || membership.status === 'Closed') {
      throw new EsignError(
        'USER_LACKS_MEMBERSHIP',
        'The UserID does not have a valid membership in this Account.',
      );
    }
    c.set('account', account);
    c.set('membership', membership);
    const limit = sim.rateLimiter.hit(account.accountId, grant.userId);
    if (!limit.allowed) {
      // Limit behaviour (429, codes, headers) is documented by DocuSign, not declared in the spec.
      return c.json(
        {
          errorCode: 'HOURLY_APINVOCATION_LIMIT_EXCEEDED',
          message:
            limit.kind === 'burst'
              ? `The maximum number of API invocations per ${sim.rateLimiter.burstWindowMs / 1000} seconds has been exceeded.`
              : `The maximum number of hourly API invocations has been exceeded. The hourly limit is ${sim.rateLimiter.hourly}.`,
        },
        429,
        limit.headers,
      );
    }
    await next();
    for (const [k, v] of Object.entries(limit.headers)) c.res.headers.set(k, v);
  });
  registerAccountRoutes(es, sim);
  registerUserRoutes(es, sim);
  registerGroupRoutes(es, sim);
  registerTransferRuleRoutes(es, sim);
  registerEnvelopeRoutes(es, sim);
  registerEnvelopePartRoutes(es, sim);
  registerTemplateRoutes(es, sim);
  registerFolderRoutes(es, sim);
  registerContactRoutes(es, sim);
  registerConnectRoutes(es, sim);
  app.route('/restapi/v2.1/accounts/:accountId', es);

  app.use('/management/*', async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const grant = token ? oauth.lookupAccessToken(token) : 'unknown';
    if (typeof grant === 'string') {
      throw new AdminError('unauthorized', 'The access token is missing, invalid or expired.', 401);
    }
    c.set('grant', grant);
    await next();
  });
  app.route('/management', createAdminApp(sim));

  const findEnvelope = (envelopeId: string): { account: SimAccount; envelope: SimEnvelope } => {
    for (const account of state.accounts.values()) {
      const envelope = account.envelopesById.get(envelopeId);
      if (envelope) return { account, envelope };
    }
    throw new Error(`No envelope ${envelopeId} in the simulator`);
  };

  const resetError = () =>
    new TypeError('fetch failed', {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });

  return {
    app,
    get origin() {
      return sim.origin;
    },
    setOrigin(next: string) {
      sim.origin = next.replace(/\/+$/, '');
    },
    state,
    log: sim.log,
    faults: sim.faults,
    connect: sim.connect,
    defaults,
    async fetch(input, init) {
      const req = input instanceof Request && init === undefined ? input : new Request(input, init);
      try {
        return await app.fetch(req);
      } catch (err) {
        if (err instanceof ConnectionResetFault) throw resetError();
        throw err;
      }
    },
    async serverFetch(req, env) {
      try {
        return await app.fetch(req, env);
      } catch (err) {
        if (!(err instanceof ConnectionResetFault)) throw err;
        const socket = (env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming?.socket;
        socket?.destroy();
        return new Response(null, { status: 500 });
      }
    },
    actions: {
      sendEnvelope: (id) => {
        const { account, envelope } = findEnvelope(id);
        sendEnvelope(sim, account, envelope);
      },
      signRecipient: (id, recipientId) => {
        const { account, envelope } = findEnvelope(id);
        signRecipient(sim, account, envelope, recipientId);
      },
      declineRecipient: (id, recipientId, reason = 'Declined') => {
        const { account, envelope } = findEnvelope(id);
        declineRecipient(sim, account, envelope, recipientId, reason);
      },
      completeEnvelope: (id) => {
        const { account, envelope } = findEnvelope(id);
        completeEnvelope(sim, account, envelope);
      },
      voidEnvelope: (id, reason) => {
        const { account, envelope } = findEnvelope(id);
        voidEnvelope(sim, account, envelope, reason);
      },
    },
    registerClient: (client) => oauth.registerClient(client),
    grantConsent: (userId, clientId, scopes) => oauth.grantConsent(userId, clientId, scopes),
    revokeConsent: (userId, clientId) => oauth.revokeConsent(userId, clientId),
    revokeTokens: (userId, clientId) => oauth.revokeTokens(userId, clientId),
    issueTokens(userId = defaults.userId, clientId = defaults.clientId) {
      oauth.grantConsent(userId, clientId);
      return oauth.issue(userId, clientId, 'signature', 'authorization_code');
    },
    account: (idOrNumber) => findAccount(state, idOrNumber),
  };
}
