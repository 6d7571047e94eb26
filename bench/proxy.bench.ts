/**
 * `/proxy` overhead under load. Simulator, gateway and a bare Hono + undici passthrough each run as real HTTP
 * servers on loopback (child processes); this process generates the load (undici Pool, CONNECTIONS sockets, one
 * request in flight on each). (a) bare: GET /users forwarded with a fixed bearer token, no auth, no logging;
 * (b) gateway: GET /proxy/esignature/users with an API key and a JWT connection (PGlite in memory, log level
 * `warn`, so no access line per request). Rounds alternate a/b back to back; the targets use the median of the
 * rounds' paired ratios (b over a in the same round), robust to other work on the machine; best and median rounds
 * of each variant are printed too.
 * Targets: (b) req/s >= 90% of (a), (b) p99 <= 1.5x (a). Run: `npm run bench -- proxy.bench`.
 */
import { startChild, startSimAndGateway } from './harness/children';
import { checkThroughput, compareRounds, machineLine, pairedRatio, printComparison } from './harness/load';
import type { SimInfo } from './harness/protocol';

const QUERY = 'count=25';

console.log(await machineLine());
const { sim, gateway } = await startSimAndGateway({ users: 500 });
const bare = await startChild<{ origin: string }>('bare-proxy', sim.info satisfies SimInfo);
const g = gateway.info;

const [a, b] = await compareRounds(
  [
    {
      name: '(a) bare Hono + undici',
      origin: bare.info.origin,
      path: `/users?${QUERY}`,
      rssMb: bare.rssMb,
      cpuMs: bare.cpuMs,
    },
    {
      name: '(b) gateway /proxy',
      origin: g.origin,
      path: `/proxy/esignature/users?${QUERY}&integrated_account_id=${g.integratedAccountId}`,
      headers: { authorization: `Bearer ${g.apiKey}` },
      rssMb: gateway.rssMb,
      cpuMs: gateway.cpuMs,
    },
  ],
  { rounds: 8, connections: 32, durationMs: 4000, warmupMs: 1000 },
);
printComparison(a!, b!);
const rpsOk = checkThroughput(a!, b!, 0.9, 'gateway req/s');
const p99Ratio = pairedRatio(a!, b!, 'p99Ms');
const p99Ok = p99Ratio <= 1.5;
console.log(
  `${p99Ok ? 'PASS' : 'FAIL'}: gateway p99 ${p99Ratio.toFixed(2)}x bare (target <= 1.5x; median of paired rounds; ` +
    `best rounds ${(b!.best.p99Ms / a!.best.p99Ms).toFixed(2)}x, median rounds ${(b!.median.p99Ms / a!.median.p99Ms).toFixed(2)}x)`,
);

await Promise.all([bare.stop(), gateway.stop()]);
await sim.stop();
process.exit(rpsOk && p99Ok ? 0 : 1);
