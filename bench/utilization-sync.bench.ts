/**
 * The first utilization sync of a large account: the simulator seeded with 5,000 users and 200,000 envelopes over a
 * year, in its own process, and a gateway (embedded PGlite, its own process) with a single-account JWT connection;
 * the first `GET /unified/user-directory/utilization` starts the background job. While it runs, a probe in this
 * process sends HTTP requests to the gateway and keeps the slowest answer. The gateway measures its own RSS.
 *
 * DocuSign's hourly window is simulated: the simulator and the gateway share one clock (real time plus what the
 * gateway's waits skipped, passed over IPC: bench/harness/children.ts), and every wait of the gateway (the job's pacing
 * to its share of the hourly quota, the upstream budget) advances that clock instead of sleeping. So the job's
 * DocuSign time ("virtual") is what the pacing dictates, while the wall time is what the machine needs for the work.
 * Calls per hour and per 30 s are counted on the shared clock by the simulator, which keeps DocuSign's real limits.
 *
 * The gateway keeps its embedded PGlite in a temporary data directory, as `npm start` does (`BENCH_PGLITE=memory`:
 * in memory, so the stored rows and PGlite's write-ahead log count in its RSS).
 *
 * Run alone with `npx tsx --expose-gc bench/utilization-sync.bench.ts` (add `USERS=…` `ENVELOPES=…` to scale;
 * `BENCH_CPU_PROF=gateway` writes the gateway's CPU profile to `.bench-profiles/gateway`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimAndGateway } from './harness/children';
import type { ChildMessage } from './harness/protocol';

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
  // The gateway's database as `npm start` keeps it: embedded PGlite in a data directory (`BENCH_PGLITE=memory`: in
  // memory, where every stored row and the write-ahead log count in the gateway's RSS).
  const inMemory = process.env.BENCH_PGLITE === 'memory';
  const pgliteDir = inMemory ? undefined : await mkdtemp(join(tmpdir(), 'utilization-bench-'));
  const t0 = performance.now();
  const { sim, gateway } = await startSimAndGateway(
    {
      users: scale.users,
      scale,
      sharedClock: true,
      // A token that outlives the virtual hours keeps the run off the JWT re-grant path.
      jwtAccessTokenTtlSeconds: 10 * 86_400,
    },
    // One account, as a seat review would connect it (the secondary account is small and would only add calls).
    { primaryAccountOnly: true, ...(pgliteDir ? { pgliteDir: join(pgliteDir, 'pglite') } : {}) },
  );
  const seedMs = sim.info.seedMs;
  process.stderr.write(
    `  simulator seeded in ${(seedMs / 1000).toFixed(1)} s (both servers up in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
  const { origin, apiKey, integratedAccountId: ia } = gateway.info;
  const auth = { authorization: `Bearer ${apiKey}` };

  await sim.ask({ cmd: 'calls', clear: true }, 'calls');
  const memoryOf = async () => {
    const m = await gateway.ask({ cmd: 'memory' }, 'memory');
    if (m.type !== 'memory') throw new Error('unexpected answer');
    return m;
  };
  const memoryBefore = await memoryOf();
  const rss = await gateway.trackRss();
  const clockOf = async () => {
    const res = await fetch(`${sim.info.origin}/__sandbox/clock`);
    return Date.parse(((await res.json()) as { now: string }).now);
  };

  const utilization = `${origin}/unified/user-directory/utilization?integrated_account_id=${ia}`;
  const wall0 = performance.now();
  const virtual0 = await clockOf();
  const first = await fetch(utilization, { headers: auth });
  if (first.status !== 202) throw new Error(`expected 202, got ${first.status}`);
  await first.body?.cancel();
  const idle = gateway.ask({ cmd: 'idle' }, 'idle');

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
        const res = await fetch(`${origin}${path}`, { headers: auth });
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
  const progress = setInterval(async () => {
    process.stderr.write(
      `  ${((performance.now() - wall0) / 1000).toFixed(0)} s: ${probes} probes, slowest ${maxProbeMs.toFixed(0)} ms, gateway rss ${(await gateway.rssMb()).toFixed(0)} MB\n`,
    );
  }, 30_000);
  await idle;
  const wallMs = performance.now() - wall0;
  const virtualHours = ((await clockOf()) - virtual0) / 3_600_000;
  running = false;
  await probe;
  clearInterval(progress);
  const { growthMb: rssGrowthMb, baselineMb } = await rss.stop();
  // What is still referenced after the job (forced GCs): JS heap, and buffers (PGlite's WASM memory and, in memory,
  // its files).
  const memoryAfter = await memoryOf();
  const grew = (key: keyof Omit<Extract<ChildMessage, { type: 'memory' }>, 'type'>) => {
    const mb = (memoryAfter[key] - memoryBefore[key]) / MB;
    return `${mb >= 0 ? '+' : ''}${mb.toFixed(0)} MB`;
  };
  const done = await fetch(utilization, { headers: auth });
  const body = (await done.json()) as { sync_status: { synced_through: string | null }[] };
  // Hours of DocuSign time may cross midnight: then the next day's job is already running, which is fine.
  if (done.status !== 200 || !body.sync_status[0]?.synced_through)
    throw new Error(`sync did not complete: ${done.status} ${JSON.stringify(body.sync_status)}`);

  const counted = await sim.ask({ cmd: 'calls' }, 'calls');
  if (counted.type !== 'calls') throw new Error('unexpected answer');
  const callTimes = [...counted.times].sort((a, b) => a - b);
  const rateLimited = counted.rateLimited;
  const calls = callTimes.length;
  const maxPerHour = maxInWindow(callTimes, 3_600_000);
  const maxPer30s = maxInWindow(callTimes, 30_000);
  const simRssMb = await sim.rssMb();
  await gateway.stop();
  await sim.stop();
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
  const line =
    `utilization-sync: ${scale.users} users / ${scale.envelopes} envelopes (seeded in ${(seedMs / 1000).toFixed(1)} s): ` +
    `first sync ${(wallMs / 1000).toFixed(1)} s wall (${virtualHours.toFixed(2)} h of DocuSign time at the job's pace), ` +
    `${calls} DocuSign calls, max ${maxPerHour}/hour and ${maxPer30s}/30 s, ${rateLimited} answered 429; ` +
    `gateway (PGlite ${inMemory ? 'in memory' : 'in a data directory'}) peak RSS growth ${rssGrowthMb.toFixed(0)} MB ` +
    `(from ${baselineMb.toFixed(0)} MB; after the job and GC: heap ${grew('heapUsed')}, array buffers ${grew('arrayBuffers')}, ` +
    `RSS ${grew('rss')}; simulator process ${simRssMb.toFixed(0)} MB); ` +
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
