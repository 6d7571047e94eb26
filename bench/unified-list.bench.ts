/**
 * Unified list under load: gateway `GET /unified/user-directory/users?limit=100` vs a bare Hono handler that fetches
 * one DocuSign users page (`count=100&additional_info=true`, as the mapping asks) from the simulator and maps the
 * same fields by hand. Real servers on loopback (child processes), load from this process; rounds alternate back to
 * back, the target uses the median of the rounds' paired ratios (best and median rounds printed too).
 * Target: gateway >= 80% of the bare req/s.
 * Run: `npm run bench -- unified-list`.
 */
import { startChild, startSimAndGateway } from './harness/children';
import { checkThroughput, compareRounds, machineLine, printComparison } from './harness/load';
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
printComparison(a!, b!);
const ok = checkThroughput(a!, b!, 0.8, 'gateway unified list req/s');

await Promise.all([bare.stop(), gateway.stop()]);
await sim.stop();
process.exit(ok ? 0 : 1);
