/**
 * The first utilization sync of a large account: the simulator seeded with 5,000 users and 200,000 envelopes over a
 * year, a gateway (embedded PGlite) with a single-account JWT connection, and the first
 * `GET /unified/user-directory/utilization` starting the background job. While it runs, a probe sends HTTP requests
 * to the gateway (a real loopback server) and keeps the slowest answer.
 *
 * DocuSign's hourly window is simulated: the simulator and the gateway share one clock, and every wait of the gateway
 * (the job's pacing to its share of the hourly quota, the upstream budget) advances that clock instead of sleeping.
 * So the job's DocuSign time ("virtual") is what the pacing dictates, while the wall time is what the machine needs
 * for the work. Calls per hour and per 30 s are counted on the shared clock from the simulator's side.
 *
 * Run alone with `npx tsx --expose-gc bench/utilization-sync.bench.ts` (add `USERS=…` `ENVELOPES=…` to scale).
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { openDatabase } from '../src/db/open';
import { createDocusignSimulator } from '../src/sandbox/docusign';
import { createBenchGateway } from './harness/bench-gateway';

const MB = 1024 * 1024;

export interface UtilizationSyncResult {
  seedMs: number;
  wallMs: number;
  virtualHours: number;
  calls: number;
  maxPerHour: number;
  maxPer30s: number;
  rateLimited: number;
  rssGrowthMb: number;
  probes: number;
  probeErrors: number;
  maxProbeMs: number;
  line: string;
}

/** Slides a window over sorted times and returns the most times inside any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

export async function runUtilizationSyncBench(
  scale = { users: 5_000, envelopes: 200_000, templates: 500, groups: 10 },
): Promise<UtilizationSyncResult> {
  // One clock for DocuSign and the gateway: real time plus what the gateway's waits skipped.
  let skipped = 0;
  const now = () => Date.now() + skipped;
  const sleep = async (ms: number) => {
    skipped += ms;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const t0 = performance.now();
  const sim = createDocusignSimulator({
    scale,
    now,
    defaultClientPublicKeyPem: await exportSPKI(publicKey),
    // A token that outlives the virtual hours keeps the run off the JWT re-grant path.
    jwtAccessTokenTtlSeconds: 10 * 86_400,
  });
  const seedMs = performance.now() - t0;
  process.stderr.write(`  seeded in ${(seedMs / 1000).toFixed(1)} s\n`);
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);

  // Every DocuSign API call, on the shared clock, as the simulator receives it.
  const callTimes: number[] = [];
  let rateLimited = 0;
  const upstreamFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const isApi = url.includes('/restapi/');
    if (isApi) callTimes.push(now());
    const res = await sim.fetch(input, init);
    if (isApi && res.status === 429) rateLimited++;
    return res;
  };

  const database = await openDatabase({ pgliteDir: 'memory' });
  const { app, key } = await createBenchGateway(
    database.db,
    { origin: sim.origin, clientId: sim.defaults.clientId, clientSecret: sim.defaults.clientSecret },
    { fetch: upstreamFetch, now, sleep },
  );
  const server = await new Promise<{ origin: string; close: () => Promise<void> }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      // Longer than any pause between probes, so a kept-alive connection is never closed under a probe.
      (s as { keepAliveTimeout?: number }).keepAliveTimeout = 120_000;
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => s.close(() => done())),
      });
    });
  });
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.origin}/integrated-accounts`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      auth_type: 'jwt',
      integration_key: sim.defaults.clientId,
      user_id: sim.defaults.userId,
      private_key: await exportPKCS8(privateKey),
      account_id: sim.defaults.accountIds[0],
    }),
  });
  const ia = ((await created.json()) as { id: string }).id;

  globalThis.gc?.();
  const liveOf = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const liveBaseline = liveOf();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  callTimes.length = 0;

  const utilization = `${server.origin}/unified/user-directory/utilization?integrated_account_id=${ia}`;
  const wall0 = performance.now();
  const virtual0 = now();
  const first = await fetch(utilization, { headers: auth });
  if (first.status !== 202) throw new Error(`expected 202, got ${first.status}`);
  await first.body?.cancel();

  // Concurrent requests while the job runs: a status poll, a connection read, a unified list through DocuSign.
  const probePaths = [
    `/unified/user-directory/utilization?integrated_account_id=${ia}&limit=1`,
    `/integrated-accounts/${ia}`,
    `/unified/user-directory/roles?integrated_account_id=${ia}`,
    '/health',
  ];
  let probes = 0;
  let probeErrors = 0;
  let maxProbeMs = 0;
  const slowestByPath = new Map<string, number>();
  let running = true;
  const probe = (async () => {
    while (running) {
      const path = probePaths[probes % probePaths.length]!;
      const p0 = performance.now();
      try {
        const res = await fetch(`${server.origin}${path}`, { headers: auth });
        await res.arrayBuffer();
        if (res.status >= 500) probeErrors++;
      } catch {
        probeErrors++;
      }
      const took = performance.now() - p0;
      maxProbeMs = Math.max(maxProbeMs, took);
      const name = path.split('?')[0]!;
      slowestByPath.set(name, Math.max(slowestByPath.get(name) ?? 0, took));
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const progress = setInterval(() => {
    process.stderr.write(
      `  ${((performance.now() - wall0) / 1000).toFixed(0)} s: ${callTimes.length} calls, ${probes} probes, slowest ${maxProbeMs.toFixed(0)} ms, rss ${(process.memoryUsage().rss / MB).toFixed(0)} MB\n`,
    );
  }, 30_000);
  await app.services.utilization.idle();
  const wallMs = performance.now() - wall0;
  const virtualHours = (now() - virtual0) / 3_600_000;
  running = false;
  await probe;
  clearInterval(sampler);
  clearInterval(progress);
  const done = await fetch(utilization, { headers: auth });
  const body = (await done.json()) as { sync_status: { synced_through: string | null }[] };
  // Hours of DocuSign time may cross midnight: then the next day's job is already running, which is fine.
  if (done.status !== 200 || !body.sync_status[0]?.synced_through)
    throw new Error(`sync did not complete: ${done.status} ${JSON.stringify(body.sync_status)}`);

  // Memory still referenced after the job (heap + buffers after forced GCs), apart from garbage and the database.
  globalThis.gc?.();
  globalThis.gc?.();
  const liveGrowthMb = (liveOf() - liveBaseline) / MB;
  const calls = callTimes.length;
  const maxPerHour = maxInWindow(callTimes, 3_600_000);
  const maxPer30s = maxInWindow(callTimes, 30_000);
  const rssGrowthMb = (peak - baseline) / MB;
  await server.close();
  await database.close();
  const line =
    `utilization-sync: ${scale.users} users / ${scale.envelopes} envelopes (seeded in ${(seedMs / 1000).toFixed(1)} s): ` +
    `first sync ${(wallMs / 1000).toFixed(1)} s wall (${virtualHours.toFixed(2)} h of DocuSign time at the job's pace), ` +
    `${calls} DocuSign calls, max ${maxPerHour}/hour and ${maxPer30s}/30 s, ${rateLimited} answered 429; ` +
    `peak RSS growth ${rssGrowthMb.toFixed(0)} MB (live heap after GC ${liveGrowthMb >= 0 ? '+' : ''}${liveGrowthMb.toFixed(0)} MB); ` +
    `${probes} concurrent requests (${probeErrors} failed), slowest ${maxProbeMs.toFixed(0)} ms ` +
    `(${[...slowestByPath].map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')})`;
  return {
    seedMs,
    wallMs,
    virtualHours,
    calls,
    maxPerHour,
    maxPer30s,
    rateLimited,
    rssGrowthMb,
    probes,
    probeErrors,
    maxProbeMs,
    line,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const users = Number(process.env.USERS ?? 5_000);
  const envelopes = Number(process.env.ENVELOPES ?? 200_000);
  console.log((await runUtilizationSyncBench({ users, envelopes, templates: 500, groups: 10 })).line);
  process.exit(0);
}
