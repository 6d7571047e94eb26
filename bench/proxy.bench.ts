/**
 * `/proxy` overhead under load. Simulator, gateway and a bare Hono + undici passthrough each run as real HTTP
 * servers on loopback (child processes); this process generates the load (undici Pool, CONNECTIONS sockets, one
 * request in flight on each). (a) bare: GET /users forwarded with a fixed bearer token, no auth, no logging;
 * (b) gateway: GET /proxy/esignature/users with an API key and a JWT connection (PGlite in memory, log level
 * `warn`, so no access line per request). Rounds alternate a/b; per variant the median round is reported.
 * Targets: (b) req/s >= 90% of (a), (b) p99 <= 1.5x (a). Run: `npm run bench -- proxy.bench`.
 */
import { startChild, startSimAndGateway } from './harness/children';
import { type LoadResult, machineLine, median, runLoad } from './harness/load';
import type { SimInfo } from './harness/protocol';

const CONNECTIONS = 32;
const ROUNDS = 5;
const DURATION_MS = 4000;
const WARMUP_MS = 1000;
const QUERY = 'count=25';

console.log(await machineLine());
const { sim, gateway } = await startSimAndGateway({ users: 500 });
const bare = await startChild<{ origin: string }>('bare-proxy', sim.info satisfies SimInfo);
const g = gateway.info;

const variants = {
  bare: { origin: bare.info.origin, path: `/users?${QUERY}`, headers: {}, child: bare },
  gateway: {
    origin: g.origin,
    path: `/proxy/esignature/users?${QUERY}&integrated_account_id=${g.integratedAccountId}`,
    headers: { authorization: `Bearer ${g.apiKey}` },
    child: gateway,
  },
};
const results: Record<keyof typeof variants, LoadResult[]> = { bare: [], gateway: [] };
const rss: Record<keyof typeof variants, number> = { bare: 0, gateway: 0 };

for (let round = 1; round <= ROUNDS; round++) {
  const order = (round % 2 ? ['bare', 'gateway'] : ['gateway', 'bare']) as Array<keyof typeof variants>;
  for (const name of order) {
    const v = variants[name];
    const r = await runLoad({
      origin: v.origin,
      path: v.path,
      headers: v.headers,
      connections: CONNECTIONS,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
    });
    rss[name] = Math.max(rss[name], await v.child.rssMb());
    results[name].push(r);
    console.log(
      `round ${round} ${name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.requests} requests, ${r.errors} errors`,
    );
  }
}

const summary = (name: keyof typeof variants) => {
  const rs = results[name];
  return {
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50Ms)),
    p99: median(rs.map((r) => r.p99Ms)),
    errors: rs.reduce((n, r) => n + r.errors, 0),
  };
};
const a = summary('bare');
const b = summary('gateway');
for (const [name, s] of [
  ['(a) bare Hono + undici', a],
  ['(b) gateway /proxy', b],
] as const) {
  console.log(
    `${name}: median of ${ROUNDS} rounds ${s.rps.toFixed(0)} req/s, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ` +
      `errors ${s.errors}, peak server RSS ${rss[name.startsWith('(a)') ? 'bare' : 'gateway'].toFixed(0)} MB`,
  );
}
const rpsRatio = b.rps / a.rps;
const p99Ratio = b.p99 / a.p99;
const rpsOk = rpsRatio >= 0.9 && a.errors + b.errors === 0;
const p99Ok = p99Ratio <= 1.5;
console.log(
  `${rpsOk ? 'PASS' : 'FAIL'}: gateway req/s ${(rpsRatio * 100).toFixed(0)}% of bare (target >= 90%)`,
);
console.log(`${p99Ok ? 'PASS' : 'FAIL'}: gateway p99 ${p99Ratio.toFixed(2)}x bare (target <= 1.5x)`);

await Promise.all([bare.stop(), gateway.stop()]);
await sim.stop();
process.exit(rpsOk && p99Ok ? 0 : 1);
