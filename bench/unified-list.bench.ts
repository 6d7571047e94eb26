/**
 * Unified list under load: gateway `GET /unified/user-directory/users?limit=100` vs a bare Hono handler that fetches
 * one DocuSign users page (`count=100&additional_info=true`, as the mapping asks) from the simulator and maps the
 * same fields by hand. Real servers on loopback (child processes), load from this process; rounds alternate back to
 * back, the target uses the median of the rounds' paired ratios (best and median rounds printed too).
 * Target: gateway >= 80% of the bare req/s.
 * Run: `npm run bench -- unified-list`.
 */
import { startChild, startSimAndGateway } from './harness/children';
import { compareRounds, machineLine, pairedRatio, printSummary } from './harness/load';
import type { SimInfo } from './harness/protocol';

console.log(await machineLine());
const { sim, gateway } = await startSimAndGateway({ users: 500 });
const bare = await startChild<{ origin: string }>('bare-unified', sim.info satisfies SimInfo);
const g = gateway.info;

const [a, b] = await compareRounds(
  [
    {
      name: '(a) bare Hono, mapped by hand',
      origin: bare.info.origin,
      path: '/users?limit=100',
      rssMb: bare.rssMb,
      cpuMs: bare.cpuMs,
    },
    {
      name: '(b) gateway unified list',
      origin: g.origin,
      path: `/unified/user-directory/users?limit=100&integrated_account_id=${g.integratedAccountId}`,
      headers: { authorization: `Bearer ${g.apiKey}` },
      rssMb: gateway.rssMb,
      cpuMs: gateway.cpuMs,
    },
  ],
  { rounds: 8, connections: 16, durationMs: 4000, warmupMs: 1000 },
);
printSummary(a!);
printSummary(b!);
console.log(
  `server CPU per request: gateway ${b!.cpuMsPerRequest.toFixed(2)} ms vs bare ${a!.cpuMsPerRequest.toFixed(2)} ms ` +
    `(capacity ratio bare/gateway ${(a!.cpuMsPerRequest / b!.cpuMsPerRequest).toFixed(2)}; informational)`,
);
const ratio = pairedRatio(a!, b!, 'rps');
const ok = ratio >= 0.8 && a!.errors + b!.errors === 0;
console.log(
  `${ok ? 'PASS' : 'FAIL'}: gateway unified list ${(ratio * 100).toFixed(0)}% of bare req/s (target >= 80%; median of ${a!.rounds.length} paired rounds; ` +
    `best rounds ${((b!.best.rps / a!.best.rps) * 100).toFixed(0)}%, median rounds ${((b!.median.rps / a!.median.rps) * 100).toFixed(0)}%)`,
);

await Promise.all([bare.stop(), gateway.stop()]);
await sim.stop();
process.exit(ok ? 0 : 1);
