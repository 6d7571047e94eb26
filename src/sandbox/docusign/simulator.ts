/**
 * A stateful, seeded fake of DocuSign (account server OAuth, eSignature v2.1, Admin API), as a runtime-agnostic
 * Hono app. Built from the official OpenAPI specs (see spec/PROVENANCE.md); behaviour not in the specs is marked
 * where it is implemented.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { getPathNoStrict } from 'hono/utils/url';
import { AdminError, createAdminApp } from './admin/routes';
import { ConnectDispatcher, type ConnectOptions } from './connect-delivery';
import { registerConsoleRoutes } from './console-routes';
import type { ConsoleSession, SigningSession, SimContext, SimEnv } from './context';
import { registerControlRoutes } from './control/routes';
import { applyDueEvents, type ClockAdvance, type ReminderRecord } from './due-events';
import {
  completeEnvelope,
  declineRecipient,
  sendEnvelope,
  signRecipient,
  voidEnvelope,
} from './envelope-lifecycle';
import { registerAccountRoutes } from './esignature/account';
import { accountAccess, bearer } from './esignature/account-access';
import { EsignError } from './esignature/common';
import { registerConnectRoutes } from './esignature/connect';
import { registerContactRoutes } from './esignature/contacts';
import { registerEmbeddedViewRoutes } from './esignature/embedded-views';
import { registerEnvelopeDocumentRoutes } from './esignature/envelope-documents';
import { registerEnvelopeRecipientRoutes } from './esignature/envelope-recipients';
import { registerEnvelopeTabRoutes } from './esignature/envelope-tabs';
import { registerEnvelopeRoutes } from './esignature/envelopes';
import { registerFolderRoutes } from './esignature/folders';
import { registerGroupRoutes } from './esignature/groups';
import { registerTemplateRoutes } from './esignature/templates';
import { registerTransferRuleRoutes } from './esignature/transfer-rules';
import { registerUserRoutes } from './esignature/users';
import { ConnectionResetFault, FaultController } from './faults';
import { findDocusignOperation } from './not-modelled';
import { registerOAuthRoutes } from './oauth-routes';
import { type IssuedTokens, type OAuthDump, OAuthStore, type SimClient } from './oauth-store';
import { createRandom } from './random';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { RequestLog } from './request-log';
import { requestPipeline } from './request-pipeline';
import { type SeedDefaults, type SeedScale, seedState } from './seed';
import { registerSigningRoutes } from './signing-routes';
import { decodeSnapshot, encodeSnapshot } from './snapshot';
import {
  findAccount,
  hash32,
  locateEnvelope,
  type SimAccount,
  type SimEnvelope,
  type SimState,
} from './state';

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
  /**
   * The origin of the request being handled, when a server answers on several origins (HTTP and HTTPS ports):
   * URLs the simulator writes and the JWT `aud` check then follow the scheme and port the client used.
   */
  requestOrigin?: () => string | undefined;
}

/** Test actions that stand in for what signers do in DocuSign's UI. */
export interface SimulatorActions {
  sendEnvelope(envelopeId: string): void;
  /** The recipient signs; `tabValues` (by tabLabel) fill text/checkbox/list/radio… tabs first. */
  signRecipient(envelopeId: string, recipientId: string, tabValues?: Record<string, string>): void;
  declineRecipient(envelopeId: string, recipientId: string, reason?: string): void;
  completeEnvelope(envelopeId: string): void;
  voidEnvelope(envelopeId: string, reason: string): void;
  /**
   * Attaches a large PDF (default 50 MiB) that is generated while it is downloaded, so a streaming test costs no
   * memory for its body. Works on an envelope in any status; returns the new document's id.
   */
  attachLargeDocument(envelopeId: string, options?: LargeDocumentOptions): { documentId: string };
}

export interface LargeDocumentOptions {
  /** Exact size of the PDF in bytes (default 52_428_800; at least about 1 KB, the size of the PDF skeleton). */
  sizeBytes?: number;
  /** Document name (default `Large.pdf`). */
  name?: string;
  /** Document id (default: the next free number). */
  documentId?: string;
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
  /** Registers (or replaces) the PEM (SPKI) public key a client signs JWT assertions with. */
  registerPublicKey(clientId: string, publicKeyPem: string): void;
  /** Moves the simulator's clock forward and applies what fell due (expirations, reminders). */
  advanceClock(ms: number): ClockAdvance;
  /** Reseeds the DocuSign data (optionally with another seed); clients, keys and consents are kept. */
  reset(options?: { seed?: number; scale?: SeedScale }): void;
  /** Reminder emails the simulator would have sent (reminders fall due as the clock advances). */
  reminders: ReminderRecord[];
  /** The whole state (data, OAuth, clock) as JSON text, for persistence. */
  snapshot(): string;
  /** Replaces the whole state with one from `snapshot()`. */
  restore(text: string): void;
}

const DEFAULT_SCALE: Required<SeedScale> = { users: 120, envelopes: 300, templates: 15, groups: 6 };

/** Fresh seeded data (accounts get their Connect HMAC key). */
function seededState(seed: number, scale: Required<SeedScale>, atMs: number) {
  const state: SimState = {
    seed,
    users: new Map(),
    usersByEmail: new Map(),
    accounts: new Map(),
    organization: undefined as unknown as SimState['organization'],
    nextNumericId: 10_000 + (hash32(`ids:${seed}`) % 80_000),
  };
  const defaults = seedState(state, seed, scale, atMs);
  for (const account of state.accounts.values()) {
    account.hmacKeys.push(
      createRandom(hash32(`${seed}:hmac:${account.accountId}`))
        .guid()
        .replace(/-/g, ''),
    );
  }
  return { state, defaults };
}

/** Creates a simulator with seeded data. */
export function createDocusignSimulator(options: SimulatorOptions = {}): DocusignSimulator {
  const seed = options.seed ?? 1;
  const baseNow = options.now ?? Date.now;
  // The control API advances the clock by adding to this offset.
  let clockOffsetMs = 0;
  const now = () => baseNow() + clockOffsetMs;
  const origin = (options.origin ?? 'http://docusign.sim').replace(/\/+$/, '');
  const scale: Required<SeedScale> = { ...DEFAULT_SCALE };
  for (const [k, v] of Object.entries(options.scale ?? {}))
    if (typeof v === 'number') scale[k as keyof SeedScale] = v;
  const { state, defaults } = seededState(seed, scale, now());
  if (options.clientId) defaults.clientId = options.clientId;
  if (options.clientSecret) defaults.clientSecret = options.clientSecret;

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

  let baseOrigin = origin;
  const sim: SimContext = {
    state,
    get origin() {
      return options.requestOrigin?.() ?? baseOrigin;
    },
    set origin(next: string) {
      baseOrigin = next;
    },
    now,
    oauth,
    rateLimiter: new RateLimiter(options.rateLimits ?? {}, now),
    faults: new FaultController(seed),
    log: new RequestLog(),
    connect: new ConnectDispatcher(state, now, options.connect),
    nextUriStyle: options.nextUriStyle ?? 'relative',
    signingSessions: new Map<string, SigningSession>(),
    consoleSessions: new Map<string, ConsoleSession>(),
    reminders: [],
  };

  const advanceClock = (ms: number) => {
    clockOffsetMs += Math.max(0, ms);
    return applyDueEvents(sim);
  };
  const reset = (next: { seed?: number; scale?: SeedScale } = {}) => {
    const nextSeed = next.seed ?? state.seed;
    const nextScale = { ...scale };
    for (const [k, v] of Object.entries(next.scale ?? {}))
      if (typeof v === 'number') nextScale[k as keyof SeedScale] = v;
    // Replace the contents in place: route handlers and callers hold this very object.
    const fresh = seededState(nextSeed, nextScale, now());
    Object.assign(state, fresh.state);
    Object.assign(defaults, {
      ...fresh.defaults,
      clientId: defaults.clientId,
      clientSecret: defaults.clientSecret,
    });
    sim.log.clear();
    sim.connect.deliveries.length = 0;
    sim.faults.clear();
    sim.rateLimiter.reset();
    sim.signingSessions.clear();
    sim.consoleSessions.clear();
    sim.reminders.length = 0;
  };

  // The Admin API's base path is `/Management` in the spec; serve it case-insensitively.
  // getPathNoStrict: DocuSign accepts a trailing slash (the spec's own curl example ends `/documents/1/`).
  const app = new Hono<SimEnv>({
    getPath: (req) => {
      const path = getPathNoStrict(req);
      return /^\/management(\/|$)/i.test(path) ? `/management${path.slice(11)}` : path;
    },
  });

  app.use('*', requestPipeline(sim));

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
    const unmodelled = findDocusignOperation(c.req.method, new URL(c.req.url).pathname);
    if (unmodelled) {
      const message = `The DocuSign sandbox does not model ${unmodelled.operationId} (${unmodelled.method} ${unmodelled.path}).`;
      // 400 with DocuSign's error body: clients show it as a DocuSign error, and nothing retries it.
      if (unmodelled.api === 'admin')
        return c.json({ error: 'sandbox_not_modelled', error_description: message }, 400);
      return c.json({ errorCode: 'SANDBOX_NOT_MODELLED', message }, 400);
    }
    if (c.get('api') === 'admin')
      return c.json({ error: 'not_found', error_description: 'The requested resource was not found.' }, 404);
    return c.json(
      { errorCode: 'RESOURCE_NOT_FOUND', message: 'The URL provided does not resolve to a resource.' },
      404,
    );
  });

  registerOAuthRoutes(app, sim);
  registerSigningRoutes(app, sim);
  registerConsoleRoutes(app, sim);
  registerControlRoutes(app, sim, {
    advanceClock: (ms) => advanceClock(ms),
    reset: (next) => reset(next),
  });

  const es = new Hono<SimEnv>();
  es.use('*', accountAccess(sim));
  registerAccountRoutes(es, sim);
  registerUserRoutes(es, sim);
  registerGroupRoutes(es, sim);
  registerTransferRuleRoutes(es, sim);
  registerEnvelopeRoutes(es, sim);
  registerEnvelopeRecipientRoutes(es, sim);
  registerEnvelopeTabRoutes(es, sim);
  registerEnvelopeDocumentRoutes(es, sim);
  registerEmbeddedViewRoutes(es, sim);
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
    const found = locateEnvelope(state, envelopeId);
    if (!found) throw new Error(`No envelope ${envelopeId} in the simulator`);
    return found;
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
      signRecipient: (id, recipientId, tabValues) => {
        const { account, envelope } = findEnvelope(id);
        signRecipient(sim, account, envelope, recipientId, tabValues);
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
      attachLargeDocument: (id, options = {}) => {
        const { envelope } = findEnvelope(id);
        const documentId =
          options.documentId ??
          String(Math.max(0, ...envelope.documents.map((d) => Number(d.documentId) || 0)) + 1);
        envelope.documents.push({
          documentId,
          documentIdGuid: createRandom(hash32(`${seed}:large:${id}:${documentId}`)).guid(),
          name: options.name ?? 'Large.pdf',
          fileExtension: 'pdf',
          order: envelope.documents.length + 1,
          pages: 1,
          streamedSizeBytes: options.sizeBytes ?? 50 * 1024 * 1024,
        });
        return { documentId };
      },
    },
    registerClient: (client) => oauth.registerClient(client),
    registerPublicKey: (clientId, publicKeyPem) => oauth.setPublicKey(clientId, publicKeyPem),
    advanceClock: (ms) => advanceClock(ms),
    reset: (next) => reset(next),
    get reminders() {
      return sim.reminders;
    },
    snapshot: () =>
      encodeSnapshot({
        version: 1,
        clockOffsetMs,
        state,
        defaults,
        oauth: oauth.dump(),
        reminders: sim.reminders,
      }),
    restore(text) {
      const snapshot = decodeSnapshot(text);
      Object.assign(state, snapshot.state);
      Object.assign(defaults, snapshot.defaults);
      oauth.load(snapshot.oauth as OAuthDump);
      clockOffsetMs = snapshot.clockOffsetMs;
      sim.reminders.splice(0, sim.reminders.length, ...(snapshot.reminders as ReminderRecord[]));
      sim.signingSessions.clear();
      sim.consoleSessions.clear();
    },
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
