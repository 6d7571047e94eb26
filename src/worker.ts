/**
 * Cloudflare Workers entry. The database is PostgreSQL reached through a Hyperdrive binding (`HYPERDRIVE`) or a
 * `DATABASE_URL` secret; migrations are applied from Node beforehand (`DATABASE_URL=… npm run db:migrate`).
 *
 * The app (compiled mappings, caches, the per-key rate limit) is built once per isolate. Workers forbid sharing a
 * socket between requests, so each request opens its own small postgres.js client, and the app reaches it through
 * a database that forwards every call to the current request's client.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp, type GatewayApp } from './app';
import { ConfigError, loadDocusignPacing } from './config';
import { type DocusignAppConfig, docusignConfigFrom } from './connections/docusign-app';
import { createRefreshScheduler } from './credentials/refresh-scheduler';
import type { Database } from './db/client';
import * as schema from './db/schema/index';
import { createJsonLogger, type LogLevel } from './http/logger';
import type { PeriodicJob } from './jobs/periodic-job';
import { createUtilizationSync } from './utilization/sync';
import { createDeliveryWorker, type DeliveryWorker } from './webhooks/delivery-worker';

export interface WorkerEnv {
  HYPERDRIVE?: Hyperdrive;
  DATABASE_URL?: string;
  PUBLIC_URL?: string;
  BODY_LIMIT_BYTES?: string;
  LOG_LEVEL?: LogLevel;
  RATE_LIMIT_REQUESTS?: string;
  RATE_LIMIT_WINDOW_SECONDS?: string;
  /** Pacing of each DocuSign account's calls (defaults 10, 20, 8); raise them for accounts with raised limits. */
  DOCUSIGN_REQUESTS_PER_SECOND?: string;
  DOCUSIGN_BURST?: string;
  DOCUSIGN_MAX_IN_FLIGHT?: string;
  /** `true`: webhook subscriptions may use http and private/loopback addresses (development, tests). */
  WEBHOOKS_ALLOW_PRIVATE_URLS?: string;
  /** `false`: never register the gateway's DocuSign Connect configuration on read_write connections. */
  EVENTS_CONNECT_REGISTRATION?: string;
  /** Secrets (set with `wrangler secret put`). */
  ENCRYPTION_KEYS?: string;
  SIGNING_SECRET?: string;
  DOCUSIGN_ENVIRONMENT?: 'demo' | 'production';
  DOCUSIGN_CLIENT_ID?: string;
  DOCUSIGN_CLIENT_SECRET?: string;
  /** Origin of a running `npm run sandbox`, offered as the `sandbox` DocuSign environment (for trying a deploy). */
  SANDBOX_ORIGIN?: string;
  SANDBOX_CLIENT_ID?: string;
  SANDBOX_CLIENT_SECRET?: string;
}

const requestDatabase = new AsyncLocalStorage<Database>();

/** A Database whose every property is read from the client of the request being served. */
const currentDatabase = new Proxy({} as Database, {
  get(_target, property) {
    const db = requestDatabase.getStore();
    if (!db) throw new Error('database used outside a request');
    const value = Reflect.get(db, property, db);
    return typeof value === 'function' ? value.bind(db) : value;
  },
});

let isolateApp: GatewayApp | undefined;

function missingSettings(env: WorkerEnv): string[] {
  return [
    env.HYPERDRIVE?.connectionString || env.DATABASE_URL ? null : 'HYPERDRIVE or DATABASE_URL',
    env.ENCRYPTION_KEYS ? null : 'ENCRYPTION_KEYS',
    env.SIGNING_SECRET ? null : 'SIGNING_SECRET',
  ].filter((name): name is string => name !== null);
}

function docusignConfig(env: WorkerEnv): DocusignAppConfig {
  const config = docusignConfigFrom({
    docusign: {
      environment: env.DOCUSIGN_ENVIRONMENT ?? 'demo',
      clientId: env.DOCUSIGN_CLIENT_ID,
      clientSecret: env.DOCUSIGN_CLIENT_SECRET,
    },
  });
  if (env.SANDBOX_ORIGIN) {
    config.environments.sandbox = {
      oauthBase: env.SANDBOX_ORIGIN,
      adminBase: `${env.SANDBOX_ORIGIN}/management`,
      clientId: env.SANDBOX_CLIENT_ID,
      clientSecret: env.SANDBOX_CLIENT_SECRET,
    };
  }
  return config;
}

function buildApp(env: WorkerEnv, origin: string): GatewayApp {
  const requests = Number(env.RATE_LIMIT_REQUESTS ?? 500);
  const windowSeconds = Number(env.RATE_LIMIT_WINDOW_SECONDS ?? 10);
  return createApp({
    db: currentDatabase,
    logger: createJsonLogger(env.LOG_LEVEL ?? 'info'),
    secrets: { encryptionKeys: env.ENCRYPTION_KEYS!, signingSecret: env.SIGNING_SECRET! },
    docusign: docusignConfig(env),
    upstream: { budget: loadDocusignPacing(env) },
    config: {
      publicUrl: env.PUBLIC_URL ?? origin,
      bodyLimitBytes: Number(env.BODY_LIMIT_BYTES ?? 10 * 1024 * 1024),
      rateLimit: { requests, windowSeconds },
      webhooks: { allowPrivateUrls: env.WEBHOOKS_ALLOW_PRIVATE_URLS === 'true' },
      events: { registerConnect: env.EVENTS_CONNECT_REGISTRATION !== 'false' },
    },
  });
}

/** Runs `work` with this request's own database client, closed once the Worker is done with it. */
async function withRequestDatabase<T>(
  env: WorkerEnv,
  ctx: ExecutionContext,
  work: () => Promise<T>,
): Promise<T> {
  const sql = postgres((env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL)!, {
    max: 5,
    fetch_types: false,
  });
  const db = drizzle(sql, { schema }) as unknown as Database;
  try {
    return await requestDatabase.run(db, work);
  } finally {
    ctx.waitUntil(sql.end());
  }
}

function missingResponse(missing: string[]): Response {
  return internalResponse(`Worker is missing ${missing.join(', ')}`);
}

function internalResponse(message: string): Response {
  return Response.json({ error: { code: 'internal', message, status: 500 } }, { status: 500 });
}

let isolateJobs:
  | { refresh: PeriodicJob<number>; utilization: PeriodicJob<unknown>; delivery: DeliveryWorker }
  | undefined;

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const missing = missingSettings(env);
    if (missing.length > 0) return missingResponse(missing);
    try {
      isolateApp ??= buildApp(env, new URL(request.url).origin);
    } catch (error) {
      // A bad variable is the operator's to fix: say which one, as `npm start` does at start.
      if (error instanceof ConfigError)
        return internalResponse(`Worker configuration is invalid: ${error.lines.join('; ')}`);
      throw error;
    }
    const app = isolateApp;
    // The response body may still be read after this returns; streamed bodies do not touch the database.
    return withRequestDatabase(env, ctx, async () => app.fetch(request, env, ctx));
  },

  /**
   * Cron Trigger (see wrangler.toml): the background jobs `npm start` runs on timers, one pass each: token refresh,
   * utilization, and the webhook outbox (new events fanned out, due deliveries sent, shared with other isolates
   * through SKIP LOCKED leases).
   */
  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const missing = missingSettings(env);
    if (missing.length > 0) throw new Error(`Worker is missing ${missing.join(', ')}`);
    // Without PUBLIC_URL the app's origin comes from the first request, so a cron run before it builds its own.
    const app = isolateApp ?? buildApp(env, env.PUBLIC_URL ?? 'http://localhost');
    if (env.PUBLIC_URL) isolateApp = app;
    const logger = createJsonLogger(env.LOG_LEVEL ?? 'info');
    isolateJobs ??= {
      refresh: createRefreshScheduler({
        db: currentDatabase,
        tokens: app.services.tokens,
        logger,
        now: Date.now,
        intervalMs: 60_000,
        horizonMs: 15 * 60_000,
      }),
      utilization: createUtilizationSync({
        db: currentDatabase,
        jobs: app.services.utilization,
        now: Date.now,
        intervalMs: 60 * 60_000,
      }),
      delivery: createDeliveryWorker({
        db: currentDatabase,
        vault: app.services.webhooks.vault,
        fetch: (input, init) => fetch(input, init),
        now: Date.now,
        holder: `webhooks-worker-${crypto.randomUUID()}`,
        logger,
        urlPolicy: app.services.webhooks.urlPolicy,
        intervalMs: 60_000,
        retry: app.services.webhooks.retry,
      }),
    };
    const jobs = isolateJobs;
    await withRequestDatabase(env, ctx, async () => {
      // One failing job does not hold back the others; the first failure is reported after all ran.
      const failures: unknown[] = [];
      for (const job of [jobs.refresh, jobs.utilization, jobs.delivery]) {
        await job.runOnce().catch((error: unknown) => failures.push(error));
      }
      if (failures.length > 0) throw failures[0];
    });
  },
};
