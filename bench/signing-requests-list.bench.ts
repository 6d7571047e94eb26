/**
 * Signing-requests list under load: gateway `GET /unified/e-signature/signing-requests?limit=100` (100 envelopes with
 * recipients, documents, folders and custom fields, mapped by signing-requests.yaml) vs a bare Hono handler that
 * sends DocuSign the same envelopes query and maps the same fields by hand (bench/harness/bare-signing-requests.ts).
 * Real servers on loopback (child processes), load from this process, rounds alternating back to back; the target
 * uses the median of the rounds' paired ratios. Target: gateway >= 80% of the bare req/s.
 * Run: `npm run bench -- signing-requests` (`BENCH_ROUNDS`, `BENCH_DURATION_MS` shorten a smoke run).
 */
import { startChild, startSimAndGateway } from './harness/children';
import { checkThroughput, compareRounds, machineLine, printComparison } from './harness/load';
import type { SimInfo } from './harness/protocol';

const SINCE = '2000-01-01T00:00:00.000Z';

console.log(await machineLine());
const { sim, gateway } = await startSimAndGateway({ users: 50, envelopes: 220 });
const bare = await startChild<{ origin: string }>('bare-signing-requests', sim.info satisfies SimInfo);
const g = gateway.info;
const gatewayPath = `/unified/e-signature/signing-requests?limit=100&updated_after=${SINCE}&integrated_account_id=${g.integratedAccountId}`;
const headers = { authorization: `Bearer ${g.apiKey}` };

// Both sides must answer full pages of the same 100 records, or the comparison means nothing.
const [mine, theirs] = await Promise.all([
  fetch(`${g.origin}${gatewayPath}`, { headers }).then(
    (r) => r.json() as Promise<{ result: { id: string }[] }>,
  ),
  fetch(`${bare.info.origin}/signing-requests?limit=100&updated_after=${SINCE}`).then(
    (r) => r.json() as Promise<{ result: { id: string }[] }>,
  ),
]);
if (
  mine.result.length !== 100 ||
  mine.result.map((r) => r.id).join() !== theirs.result.map((r) => r.id).join()
) {
  throw new Error(`pages differ: gateway ${mine.result.length} records, bare ${theirs.result.length}`);
}

const [a, b] = await compareRounds(
  [
    {
      name: '(a) bare Hono, mapped by hand',
      origin: bare.info.origin,
      path: `/signing-requests?limit=100&updated_after=${SINCE}`,
      rssMb: bare.rssMb,
      cpuMs: bare.cpuMs,
    },
    {
      name: '(b) gateway signing-requests list',
      origin: g.origin,
      path: gatewayPath,
      headers,
      rssMb: gateway.rssMb,
      cpuMs: gateway.cpuMs,
    },
  ],
  {
    rounds: Number(process.env.BENCH_ROUNDS ?? 8),
    connections: 16,
    durationMs: Number(process.env.BENCH_DURATION_MS ?? 4000),
    warmupMs: 1000,
  },
);
printComparison(a!, b!);
const ok = checkThroughput(a!, b!, 0.8, 'gateway signing-requests list req/s');

await Promise.all([bare.stop(), gateway.stop()]);
await sim.stop();
process.exit(ok ? 0 : 1);
