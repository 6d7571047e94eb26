import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureEnvironment } from '../../../src/api-keys/api-keys';
import { migrate } from '../../../src/db/migrate';
import { openDatabase } from '../../../src/db/open';
import { createDocusignSimulator } from '../../../src/sandbox/docusign/index';
import { testKeyPair } from '../../helpers/connected-app';
import { TEST_SECRETS } from '../../helpers/create-test-app';
import { createTestDatabase, usingRealPostgres } from '../../helpers/database';
import { startSimulatorServer } from '../../helpers/docusign';
import { freePort } from '../../helpers/spawn-gateway';
import { startSubscriber } from '../../helpers/webhook-subscriber';

const ROOT = new URL('../../../', import.meta.url);
const RATE_LIMIT = 8;

/** src/worker.ts bundled the way wrangler bundles it for workerd (worker export conditions, node: built-ins kept). */
async function bundleWorker(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('src/worker.ts', ROOT).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser', 'import'],
    mainFields: ['browser', 'module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function wranglerCompatibilityDate(): string {
  const toml = readFileSync(new URL('wrangler.toml', ROOT), 'utf8');
  return /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1]!;
}

/** A PostgreSQL the Worker can reach over TCP: the suite's server, or in-memory PGlite behind a socket server. */
async function reachableDatabase() {
  if (usingRealPostgres) {
    const handle = await createTestDatabase();
    return { url: handle.url!, db: handle.db, close: () => handle.close() };
  }
  const pglite = await PGlite.create();
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: pglite, port, host: '127.0.0.1', maxConnections: 20 });
  await server.start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const handle = await openDatabase({ url, maxConnections: 1 });
  await migrate(handle.db);
  return {
    url,
    db: handle.db,
    close: async () => {
      await handle.close();
      await server.stop();
      await pglite.close();
    },
  };
}

let mf: Miniflare;
let workerScript: string;
let database: Awaited<ReturnType<typeof reachableDatabase>>;
let simulator: { url: string; close(): Promise<void> };
let apiKey: string;
let sim: ReturnType<typeof createDocusignSimulator>;
let subscriber: Awaited<ReturnType<typeof startSubscriber>>;

beforeAll(async () => {
  const keys = await testKeyPair();
  // Access tokens shorter than the refresh horizon (15 min), so the cron pass has something to refresh.
  sim = createDocusignSimulator({
    defaultClientPublicKeyPem: keys.publicKeyPem,
    jwtAccessTokenTtlSeconds: 600,
  });
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  simulator = await startSimulatorServer(sim);
  subscriber = await startSubscriber();
  database = await reachableDatabase();
  await ensureEnvironment(database.db, 'env_worker', 'worker');
  ({ key: apiKey } = await createApiKey(database.db, { environmentId: 'env_worker', name: 'worker' }));
  workerScript = await bundleWorker();
  mf = workerWith({
    PUBLIC_URL: 'http://gateway.worker.test',
    SANDBOX_ORIGIN: simulator.url,
    SANDBOX_CLIENT_ID: sim.defaults.clientId,
    SANDBOX_CLIENT_SECRET: sim.defaults.clientSecret,
    RATE_LIMIT_REQUESTS: String(RATE_LIMIT),
    RATE_LIMIT_WINDOW_SECONDS: '600',
    LOG_LEVEL: 'silent',
    WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
  });
}, 120_000);

/** The bundled Worker under workerd with the database and secrets bound, plus `bindings`. */
function workerWith(bindings: Record<string, string>): Miniflare {
  return new Miniflare({
    modules: true,
    script: workerScript,
    compatibilityDate: wranglerCompatibilityDate(),
    compatibilityFlags: ['nodejs_compat'],
    bindings: {
      DATABASE_URL: database.url,
      ENCRYPTION_KEYS: TEST_SECRETS.encryptionKeys,
      SIGNING_SECRET: TEST_SECRETS.signingSecret,
      ...bindings,
    },
  });
}

afterAll(async () => {
  await mf?.dispose();
  await simulator?.close();
  await subscriber?.close();
  await database?.close();
});

const authed = (path: string, init: { method?: string; body?: string; key?: string } = {}) =>
  mf.dispatchFetch(`http://gateway.worker.test${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? apiKey}`, 'content-type': 'application/json' },
    body: init.body,
  });

describe('src/worker.ts under workerd (miniflare)', () => {
  it('answers /health from the database', async () => {
    const res = await mf.dispatchFetch('http://gateway.worker.test/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('connects the sandbox, lists unified users through it, and keeps the per-key rate limit across requests', async () => {
    const meta = await authed('/meta');
    expect(meta.status).toBe(200);
    const unauthenticated = await mf.dispatchFetch('http://gateway.worker.test/meta');
    expect(unauthenticated.status).toBe(401);

    const keys = await testKeyPair();
    const connect = await authed('/integrated-accounts', {
      method: 'POST',
      body: JSON.stringify({
        auth_type: 'jwt',
        integration_key: sim.defaults.clientId,
        user_id: sim.defaults.userId,
        private_key: keys.privateKeyPem,
        permission: 'read',
        docusign_environment: 'sandbox',
      }),
    });
    const connection = (await connect.json()) as { id: string; status: string };
    expect(connect.status, JSON.stringify(connection)).toBe(201);
    expect(connection.status).toBe('active');

    const users = await authed(
      `/unified/user-directory/users?integrated_account_id=${connection.id}&limit=5`,
    );
    const page = (await users.json()) as { result: Array<{ id: string }>; next_cursor: string | null };
    expect(users.status, JSON.stringify(page)).toBe(200);
    expect(page.result).toHaveLength(5);
    expect(page.next_cursor).toEqual(expect.any(String));

    // The cursor is signed and checked with node:crypto, which the Worker has through nodejs_compat.
    const usersPage = `/unified/user-directory/users?integrated_account_id=${connection.id}&limit=5&cursor=`;
    const next = await authed(`${usersPage}${page.next_cursor}`);
    const nextPage = (await next.json()) as { result: Array<{ id: string }> };
    expect(next.status, JSON.stringify(nextPage)).toBe(200);
    expect(nextPage.result).toHaveLength(5);
    expect(nextPage.result.map((u) => u.id)).not.toContain(page.result[0]!.id);
    // Another first character changes the signed text itself (a tag's last character can differ in unused bits only).
    const tampered = await authed(
      `${usersPage}${page.next_cursor!.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))}`,
    );
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({
      error: { message: 'invalid cursor: signature does not match' },
    });

    // Five authenticated requests so far; the limit is counted in the isolate's one app, not per request.
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await authed('/meta')).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(RATE_LIMIT - 5);
    expect(statuses.slice(RATE_LIMIT - 5)).toEqual([429, 429, 429, 429, 429]);
  }, 60_000);

  it('runs the background jobs from a Cron Trigger: a token about to expire is granted again', async () => {
    const tokenCalls = () => sim.log.entries.filter((entry) => entry.path === '/oauth/token').length;
    const before = tokenCalls();
    const worker = await mf.getWorker();
    const result = await worker.scheduled({ cron: '* * * * *' });
    expect(result.outcome).toBe('ok');
    expect(tokenCalls()).toBe(before + 1);
  }, 60_000);

  it('drains the webhook outbox from a Cron Trigger: a connection event reaches a subscriber, signed', async () => {
    // A key of its own: the first key spent its rate limit above.
    const { key } = await createApiKey(database.db, { environmentId: 'env_worker', name: 'webhooks' });
    const created = await authed('/webhook-subscriptions', {
      key,
      method: 'POST',
      body: JSON.stringify({ url: subscriber.url, event_types: ['integrated_account.active'] }),
    });
    const subscription = (await created.json()) as { secret: string };
    expect(created.status, JSON.stringify(subscription)).toBe(201);
    const keys = await testKeyPair();
    const connect = await authed('/integrated-accounts', {
      key,
      method: 'POST',
      body: JSON.stringify({
        auth_type: 'jwt',
        integration_key: sim.defaults.clientId,
        user_id: sim.defaults.userId,
        private_key: keys.privateKeyPem,
        docusign_environment: 'sandbox',
      }),
    });
    const connection = (await connect.json()) as { id: string };
    expect(connect.status).toBe(201);
    expect(subscriber.received).toHaveLength(0);

    const worker = await mf.getWorker();
    expect((await worker.scheduled({ cron: '* * * * *' })).outcome).toBe('ok');
    const hit = subscriber.received.find((r) => JSON.parse(r.body).integrated_account_id === connection.id);
    expect(hit).toBeDefined();
    expect(new Webhook(subscription.secret).verify(hit!.body, hit!.headers)).toMatchObject({
      type: 'integrated_account.active',
      data: { integrated_account: { id: connection.id, status: 'active' } },
    });
  }, 60_000);

  it('answers 500 naming a bad DocuSign pacing variable instead of serving with it', async () => {
    const misconfigured = workerWith({ DOCUSIGN_MAX_IN_FLIGHT: '0', DOCUSIGN_REQUESTS_PER_SECOND: 'fast' });
    try {
      const res = await misconfigured.dispatchFetch('http://gateway.worker.test/health');
      expect(res.status).toBe(500);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('internal');
      expect(error.message).toContain('Invalid DOCUSIGN_MAX_IN_FLIGHT: must be positive (got "0")');
      expect(error.message).toContain('Invalid DOCUSIGN_REQUESTS_PER_SECOND: must be a number (got "fast")');
    } finally {
      await misconfigured.dispose();
    }
  });
});
