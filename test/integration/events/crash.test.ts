import { rm } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureEnvironment } from '../../../src/api-keys/api-keys';
import { createVault, parseEncryptionKeys } from '../../../src/credentials/vault';
import type { DatabaseHandle } from '../../../src/db/client';
import { migrate } from '../../../src/db/migrate';
import { openDatabase } from '../../../src/db/open';
import { webhookDeliveries } from '../../../src/db/schema/index';
import { type EventDraft, recordEvents } from '../../../src/events/record-events';
import { createSubscription } from '../../../src/webhooks/subscriptions';
import { TEST_SECRETS } from '../../helpers/create-test-app';
import { createTestDatabase, usingRealPostgres } from '../../helpers/database';
import { freePort, gatewayDataDir, spawnGateway } from '../../helpers/spawn-gateway';
import { startSubscriber, waitUntil } from '../../helpers/webhook-subscriber';

const EVENTS = 500;
const STREAMS = 50;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** 500 pending events on 50 signing requests, and one subscription to `url`, written before any gateway runs. */
async function seed(db: DatabaseHandle['db'], url: string) {
  await migrate(db);
  await ensureEnvironment(db, 'env_crash', 'crash');
  await createSubscription(
    {
      db,
      vault: createVault(parseEncryptionKeys(TEST_SECRETS.encryptionKeys)),
      now: Date.now,
      urlPolicy: { allowPrivateUrls: true, gatewayOrigins: [] },
    },
    'env_crash',
    { url },
  );
  const drafts: EventDraft[] = Array.from({ length: EVENTS }, (_, i) => ({
    environmentId: 'env_crash',
    type: 'signing_request.sent',
    integratedAccountId: 'ia_crash',
    accountId: 'acct',
    data: { signing_request: { id: `env-${i % STREAMS}` }, n: i },
    dedupKey: `crash:${i}`,
    streamKey: `signing_request:ia_crash:env-${i % STREAMS}`,
    occurredAt: new Date(),
  }));
  for (let i = 0; i < drafts.length; i += 100) await recordEvents(db, drafts.slice(i, i + 100));
}

describe('delivery survives a crash (SIGKILL mid-delivery)', () => {
  it(`delivers all ${EVENTS} events at least once and in order per signing request (${usingRealPostgres ? 'PostgreSQL, two processes' : 'PGlite'})`, {
    timeout: 600_000,
  }, async () => {
    // The subscriber is a little slow, so the kill lands while deliveries are in flight.
    const subscriber = await startSubscriber({ delayMs: 150 });
    cleanups.push(() => subscriber.close());
    const env: Record<string, string> = {
      ENCRYPTION_KEYS: TEST_SECRETS.encryptionKeys,
      SIGNING_SECRET: TEST_SECRETS.signingSecret,
      SANDBOX: 'false',
      DOCUSIGN_CLIENT_ID: '',
      DOCUSIGN_CLIENT_SECRET: '',
      LOG_LEVEL: 'info',
      WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_WORKER_INTERVAL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_LEASE_SECONDS: '2',
      EVENTS_POLL_INTERVAL_SECONDS: '0',
    };
    let database: (DatabaseHandle & { url?: string }) | null = null;
    if (usingRealPostgres) {
      database = await createTestDatabase({ migrate: false });
      env.DATABASE_URL = database.url!;
      await seed(database.db, subscriber.url);
    } else {
      const dataDir = await gatewayDataDir('gw-crash-');
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      env.DATA_DIR = dataDir;
      const seeded = await openDatabase({ pgliteDir: `${dataDir}/pglite` });
      await seed(seeded.db, subscriber.url);
      await seeded.close();
    }
    const start = async () => {
      const gateway = spawnGateway({ ...env, PORT: String(await freePort()) });
      cleanups.push(async () => gateway.child.kill('SIGKILL'));
      await gateway.waitFor(/gateway listening/, 180_000);
      return gateway;
    };
    const processes = usingRealPostgres ? await Promise.all([start(), start()]) : [await start()];
    await waitUntil(() => subscriber.received.length >= EVENTS / 5, 240_000);
    processes[0]!.child.kill('SIGKILL');
    await processes[0]!.exited;
    const killedAt = subscriber.received.length;
    expect(killedAt).toBeLessThan(EVENTS);
    const restarted = await start();
    const ids = () => new Set(subscriber.received.map((r) => r.headers['webhook-id']));
    await waitUntil(() => ids().size >= EVENTS, 300_000);

    // 0 lost: every event arrived; after dedup by event id, exactly once each.
    expect(ids().size).toBe(EVENTS);
    const firstSeen = new Map<string, number>();
    for (const hit of subscriber.received) {
      const body = JSON.parse(hit.body) as { id: string; data: { n: number } };
      if (!firstSeen.has(body.id)) firstSeen.set(body.id, body.data.n);
    }
    expect(firstSeen.size).toBe(EVENTS);
    // In order per signing request: the first arrival of each event follows its stream's order.
    const order = [...firstSeen.values()];
    for (let s = 0; s < STREAMS; s++) {
      const stream = order.filter((n) => n % STREAMS === s);
      expect(stream).toEqual([...stream].sort((a, b) => a - b));
    }
    restarted.child.kill('SIGTERM');
    await restarted.exited;
    for (const p of processes.slice(1)) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
    // The outbox agrees: every delivery is marked delivered.
    const check = database ?? (await openDatabase({ pgliteDir: `${env.DATA_DIR}/pglite` }));
    const pending = await check.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.status, 'pending'));
    expect(pending).toHaveLength(0);
    await check.close();
    console.log(
      `crash test: ${subscriber.received.length} requests for ${EVENTS} events (${subscriber.received.length - EVENTS} duplicates), killed after ${killedAt}`,
    );
  });
});
