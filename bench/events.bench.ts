/**
 * Events under load.
 * Inbound: DocuSign Connect messages (JSON SIM `envelope-completed`, a real simulator envelope with recipients and
 * documents, a new envelope id each) POSTed signed with `X-DocuSign-Signature-1` to (b) the gateway's
 * `/webhooks/docusign/{id}` (connection lookup, key vault, HMAC, zod, mapping to the unified record, dedup insert
 * before the 200) vs (a) a bare Hono handler that verifies the same HMAC and inserts the same row
 * (bench/harness/bare-connect-inbound.ts). Real servers on loopback (child processes, in-memory PGlite or
 * `BENCH_DATABASE_URL`), load from this process, rounds alternating back to back; the target uses the median of the
 * rounds' paired ratios. Target: gateway >= 50% of the bare messages/s.
 * Outbound: N events (one signing request each) recorded at once, then the delivery worker fans them out and POSTs
 * them, signed per Standard Webhooks, to a local subscriber (204) in this process; deliveries/s per round.
 * Run: `npm run bench -- events` (`BENCH_ROUNDS`, `BENCH_DURATION_MS`, `BENCH_DELIVERIES` shorten a smoke run).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { createApiKey, ensureEnvironment } from '../src/api-keys/api-keys';
import { createApp } from '../src/app';
import { migrate } from '../src/db/migrate';
import { openDatabase } from '../src/db/open';
import { type EventDraft, recordEvents } from '../src/events/record-events';
import { createJsonLogger } from '../src/http/logger';
import { createDeliveryWorker } from '../src/webhooks/delivery-worker';
import { startChild, startSimAndGateway } from './harness/children';
import {
  checkThroughput,
  compareRounds,
  machineLine,
  median,
  printComparison,
  type RequestMaker,
} from './harness/load';

const CONNECT_KEY = 'bench-connect-hmac-key-0123456789abcdef';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2000);

console.log(await machineLine());

// ---- Inbound ----------------------------------------------------------------------------------------------------
const { sim, gateway } = await startSimAndGateway({ users: 20, envelopes: 20 });
const g = gateway.info;
const keyRes = await fetch(`${g.origin}/integrated-accounts/${g.integratedAccountId}/connect-keys`, {
  method: 'POST',
  headers: { authorization: `Bearer ${g.apiKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ key: CONNECT_KEY }),
});
if (keyRes.status !== 201) throw new Error(`connect key: ${keyRes.status} ${await keyRes.text()}`);
const bare = await startChild<{ origin: string }>('bare-connect-inbound', {
  key: CONNECT_KEY,
  integratedAccountId: g.integratedAccountId,
});

// A real envelope as DocuSign's includeData (recipients, documents) sends it.
const listed = (await (
  await fetch(
    `${sim.info.origin}/restapi/v2.1/accounts/${sim.info.accountId}/envelopes?from_date=2000-01-01&include=recipients,documents&count=1`,
    { headers: { authorization: `Bearer ${sim.info.token}` } },
  )
).json()) as { envelopes: Record<string, unknown>[] };
const template = listed.envelopes[0]!;
if (typeof template.recipients !== 'object') throw new Error('the template envelope has no recipients');

let sent = 0;
const started = Date.parse('2026-01-01T00:00:00.000Z');
/** A signed `envelope-completed` message about a new envelope. */
const connectMessage: RequestMaker = () => {
  const envelopeId = randomUUID();
  const at = new Date(started + sent++).toISOString();
  const body = JSON.stringify({
    event: 'envelope-completed',
    apiVersion: 'v2.1',
    uri: `/restapi/v2.1/accounts/${sim.info.accountId}/envelopes/${envelopeId}`,
    retryCount: 0,
    configurationId: 10001,
    generatedDateTime: at,
    data: {
      accountId: sim.info.accountId,
      userId: sim.info.userId,
      envelopeId,
      envelopeSummary: { ...template, envelopeId, status: 'completed', completedDateTime: at },
    },
  });
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-docusign-signature-1': createHmac('sha256', CONNECT_KEY).update(body).digest('base64'),
    },
  };
};

// Both sides must accept and store a message, or the comparison means nothing.
const gatewayPath = `/webhooks/docusign/${g.integratedAccountId}`;
for (const [origin, path] of [
  [g.origin, gatewayPath],
  [bare.info.origin, '/connect'],
] as const) {
  const m = connectMessage();
  const res = await fetch(`${origin}${path}`, { method: 'POST', headers: m.headers, body: m.body });
  const answer = (await res.json()) as { stored?: number };
  if (res.status !== 200 || answer.stored !== 1) {
    throw new Error(`${origin} did not store the message: ${res.status} ${JSON.stringify(answer)}`);
  }
}

const [a, b] = await compareRounds(
  [
    {
      name: '(a) bare Hono: HMAC + insert',
      origin: bare.info.origin,
      path: '/connect',
      request: connectMessage,
      rssMb: bare.rssMb,
      cpuMs: bare.cpuMs,
    },
    {
      name: '(b) gateway /webhooks/docusign',
      origin: g.origin,
      path: gatewayPath,
      request: connectMessage,
      rssMb: gateway.rssMb,
      cpuMs: gateway.cpuMs,
    },
  ],
  { rounds: ROUNDS, connections: 16, durationMs: DURATION_MS, warmupMs: 1000 },
);
printComparison(a!, b!);
const inboundOk = checkThroughput(a!, b!, 0.5, 'gateway Connect messages/s');
await Promise.all([bare.stop(), gateway.stop()]);
await sim.stop();

// ---- Outbound ---------------------------------------------------------------------------------------------------
const databaseUrl = process.env.BENCH_DATABASE_URL;
const database = await openDatabase(databaseUrl ? { url: databaseUrl } : { pgliteDir: 'memory' });
await migrate(database.db);
if (databaseUrl) await database.db.execute(sql`delete from events`);
await ensureEnvironment(database.db, 'env_outbound', 'outbound');
const { key } = await createApiKey(database.db, { environmentId: 'env_outbound', name: 'bench' });
const app = createApp({
  config: {
    publicUrl: 'http://gateway.bench',
    bodyLimitBytes: 1024 * 1024,
    webhooks: { allowPrivateUrls: true },
  },
  db: database.db,
  logger: createJsonLogger('warn'),
  secrets: {
    encryptionKeys: `bench1:${Buffer.alloc(32, 3).toString('base64')}`,
    signingSecret: 'bench-signing-secret-0123456789abcdef',
  },
});

let received = 0;
const subscriber = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
const subscriberUrl = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/hooks`;
const created = await app.request('/webhook-subscriptions', {
  method: 'POST',
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify({ url: subscriberUrl }),
});
if (created.status !== 201) throw new Error(`subscription: ${created.status} ${await created.text()}`);

const worker = createDeliveryWorker({
  db: database.db,
  vault: app.services.webhooks.vault,
  fetch: (input, init) => fetch(input, init),
  now: Date.now,
  holder: 'bench',
  logger: createJsonLogger('warn'),
  urlPolicy: app.services.webhooks.urlPolicy,
  intervalMs: 1000,
});
const record = { ...template, status: 'completed' };
const rates: number[] = [];
for (let round = 1; round <= Math.max(3, Math.ceil(ROUNDS / 2)); round++) {
  const drafts: EventDraft[] = Array.from({ length: DELIVERIES }, () => {
    const envelopeId = randomUUID();
    return {
      environmentId: 'env_outbound',
      type: 'signing_request.completed',
      integratedAccountId: 'ia_bench',
      accountId: sim.info.accountId,
      data: { signing_request: { ...record, id: envelopeId } },
      dedupKey: `bench:${envelopeId}`,
      streamKey: `signing_request:ia_bench:${envelopeId}`,
      occurredAt: new Date(),
    };
  });
  for (let i = 0; i < drafts.length; i += 500) await recordEvents(database.db, drafts.slice(i, i + 500));
  const before = received;
  const t0 = performance.now();
  while (received - before < DELIVERIES) {
    const pass = await worker.runOnce();
    if (pass.retried + pass.failed > 0) throw new Error(`deliveries failed: ${JSON.stringify(pass)}`);
  }
  const rate = (DELIVERIES / (performance.now() - t0)) * 1000;
  rates.push(rate);
  console.log(
    `round ${round} outbound: ${DELIVERIES} deliveries in ${(DELIVERIES / rate).toFixed(2)} s, ${rate.toFixed(0)} deliveries/s`,
  );
}
console.log(
  `outbound: median ${median(rates).toFixed(0)} deliveries/s, best ${Math.max(...rates).toFixed(0)} (fan-out, signing, POST, attempt log; ${databaseUrl ? 'PostgreSQL' : 'PGlite in memory'}; subscriber in this process)`,
);
await new Promise<void>((resolve) => subscriber.close(() => resolve()));
await database.close();
process.exit(inboundOk ? 0 : 1);
