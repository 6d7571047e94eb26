import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from './config';
import { createRefreshScheduler } from './credentials/refresh-scheduler';
import { migrate } from './db/migrate';
import { embeddedDatabaseDir, openConfiguredDatabase } from './db/open';
import { recordGatewayUrl } from './db/pglite-lock';
import { createEnvelopePoller } from './events/envelope-poller';
import { answerClientErrors } from './http/client-error';
import { createJsonLogger } from './http/logger';
import { sandboxAccess } from './startup/connect-sandbox';
import {
  FIRST_START_CHILD_FLAG,
  type FirstStart,
  firstStartInChild,
  firstStartWrites,
  runFirstStartChild,
} from './startup/first-start';
import { createConfiguredApp, docusignConfigWith } from './startup/gateway-app';
import { resolveLocalSecrets } from './startup/local-secrets';
import { startSandbox } from './startup/sandbox';
import { createNodeFetch } from './upstream/node-fetch';
import { createUtilizationSync } from './utilization/sync';
import { createDeliveryWorker } from './webhooks/delivery-worker';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createJsonLogger(config.logLevel);
  const secrets = await resolveLocalSecrets(
    config.dataDir,
    { encryptionKeys: config.encryptionKeys, signingSecret: config.signingSecret },
    (names, file) =>
      logger.warn('generated local secrets; set them in the environment for production', { names, file }),
  );
  // The sandbox starts while the database opens: a restart waits for the slower of the two, not both.
  const sandboxStarting = config.sandbox
    ? startSandbox({
        port: config.sandboxPort,
        host: config.host,
        publicUrl: config.publicUrl,
        dataDir: config.dataDir,
      })
    : Promise.resolve(null);
  // Awaited below; if the database fails first, that is the error reported.
  sandboxStarting.catch(() => undefined);
  const created: { firstStart?: FirstStart | null } = {};
  const database = await openConfiguredDatabase(config, {
    // A new embedded database is created, migrated and given its first key and sandbox connection by one child.
    create: async (dir) => {
      const result = await firstStartInChild(
        dir,
        sandboxStarting.then((running) => ({ secrets, sandbox: running ? sandboxAccess(running) : null })),
      );
      created.firstStart = result.firstStart;
      return result.migrationsApplied;
    },
  });
  const applied = (database.migrationsAppliedOnCreate ?? 0) + (await migrate(database.db));
  logger.info('database ready', { kind: database.kind, migrations_applied: applied });

  const sandbox = await sandboxStarting;
  if (sandbox) logger.info('DocuSign sandbox running', { origin: sandbox.origin });
  const upstreamFetch = createNodeFetch();
  const app = createConfiguredApp({
    config,
    db: database.db,
    logger,
    secrets,
    docusign: docusignConfigWith(config, sandbox?.environment ?? null),
    upstreamFetch,
  });
  // PostgreSQL has no creation step: an empty one gets its first key and connection here.
  const firstStart =
    created.firstStart ??
    (await firstStartWrites(database.db, sandbox ? sandboxAccess(sandbox) : null, () => app));
  const scheduler = createRefreshScheduler({
    db: database.db,
    tokens: app.services.tokens,
    logger,
    now: Date.now,
    intervalMs: 60_000,
    horizonMs: 15 * 60_000,
  });
  scheduler.start();
  // Daily utilization aggregates: hourly checks, so a day is picked up soon after it ends (UTC) in any process.
  const utilizationSync = createUtilizationSync({
    db: database.db,
    jobs: app.services.utilization,
    now: Date.now,
    intervalMs: 60 * 60_000,
  });
  utilizationSync.start();
  // Outbound webhooks: fan out new events and deliver due ones; several processes share the outbox (SKIP LOCKED).
  const processId = `${process.pid}-${crypto.randomUUID()}`;
  const deliveryWorker = createDeliveryWorker({
    db: database.db,
    vault: app.services.webhooks.vault,
    fetch: (input, init) => fetch(input, init),
    now: Date.now,
    holder: `webhooks-${processId}`,
    logger,
    urlPolicy: app.services.webhooks.urlPolicy,
    intervalMs: config.webhooks.workerIntervalMs,
    retry: app.services.webhooks.retry,
    leaseMs: config.webhooks.leaseMs,
  });
  deliveryWorker.start();
  // Connect fallback: poll envelope status changes per connection (one poller per account across processes).
  const envelopePoller =
    config.eventsPollIntervalSeconds > 0
      ? createEnvelopePoller({
          ...app.services.events,
          upstream: app.services.upstream,
          logger,
          holder: `envelope-poll-${processId}`,
          intervalMs: config.eventsPollIntervalSeconds * 1000,
        })
      : null;
  envelopePoller?.start();
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, async (info) => {
    const base = `http://${info.address === '::1' || info.address === '127.0.0.1' ? 'localhost' : info.address}:${info.port}`;
    // `npm run keys` finds the gateway holding the embedded database through its lock file.
    if (!config.databaseUrl) {
      await recordGatewayUrl(embeddedDatabaseDir(config), localUrlOf(info)).catch((error: unknown) =>
        logger.warn('could not record the gateway URL in the database lock file', { error: String(error) }),
      );
    }
    logger.info('gateway listening', { url: base, docs: `${base}/docs` });
    if (firstStart) {
      console.log(`\nDevelopment API key (shown once; keep it): ${firstStart.key}\nTry:\n`);
      const path = firstStart.sandboxConnection
        ? `/unified/user-directory/users?integrated_account_id=${firstStart.sandboxConnection}&limit=3`
        : '/meta';
      console.log(`  curl -H "Authorization: Bearer ${firstStart.key}" "${base}${path}"\n`);
    } else {
      // Keys are stored hashed, so a restart cannot show the first one again; say how to get one.
      console.log(
        `\nAPI keys are shown only when created. Lost yours? Create one (works while the gateway runs):\n\n  npm run keys -- create\n`,
      );
      if (sandbox) {
        console.log(
          'The built-in DocuSign sandbox starts fresh on every start (same seeded data, your changes are gone).\n',
        );
      }
    }
  });

  answerClientErrors(server as Server, logger);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await scheduler.stop();
      await utilizationSync.stop();
      await app.services.utilization.close();
      await deliveryWorker.stop();
      await envelopePoller?.stop();
      await sandbox?.close();
      await upstreamFetch.close();
      await database.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** A URL this machine reaches the listening socket at (a wildcard address is reached through loopback). */
function localUrlOf(info: { address: string; port: number }): string {
  if (info.address === '0.0.0.0') return `http://127.0.0.1:${info.port}`;
  if (info.address === '::') return `http://[::1]:${info.port}`;
  return info.address.includes(':')
    ? `http://[${info.address}]:${info.port}`
    : `http://${info.address}:${info.port}`;
}

const firstStartChild = process.argv.indexOf(FIRST_START_CHILD_FLAG);
(firstStartChild >= 0 ? runFirstStartChild(process.argv[firstStartChild + 1]) : main()).catch(
  (error: unknown) => {
    if (error instanceof ConfigError) {
      for (const line of error.lines) console.error(line);
    } else {
      console.error(`Gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  },
);
