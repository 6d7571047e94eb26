/**
 * Signing-requests list under load: gateway `GET /unified/e-signature/signing-requests?limit=100` (100 envelopes with
 * recipients, documents, folders and custom fields, mapped by signing-requests.yaml) vs a bare Hono handler that
 * sends DocuSign the same envelopes query and maps the same fields by hand (bench/harness/bare-signing-requests.ts).
 * Real servers on loopback (child processes), load from this process, rounds alternating back to back; the target
 * uses the median of the rounds' paired ratios.
 * Target (issue 12), simulator upstream: req/s >= 90% of bare. Static upstream: printed for capacity (no target).
 * Run: `npm run bench -- signing-requests`.
 */
import { gatewayVersusBare } from './harness/versus';

const SINCE = '2000-01-01T00:00:00.000Z';

const ok = await gatewayVersusBare({
  sim: { users: 50, envelopes: 220 },
  bareRole: 'bare-signing-requests',
  bare: { name: '(a) bare Hono, mapped by hand', path: `/signing-requests?limit=100&updated_after=${SINCE}` },
  gateway: {
    name: '(b) gateway signing-requests list',
    path: (g) =>
      `/unified/e-signature/signing-requests?limit=100&updated_after=${SINCE}&integrated_account_id=${g.integratedAccountId}`,
  },
  connections: 16,
  targets: { static: {}, sim: { rps: 0.9 } },
  // Both sides must answer full pages of the same 100 records, or the comparison means nothing.
  verify: async (gateway, bareOrigin) => {
    type Page = { result: { id: string }[] };
    const [mine, theirs] = await Promise.all([
      fetch(`${gateway.origin}${gateway.path}`, { headers: gateway.headers }).then(
        (r) => r.json() as Promise<Page>,
      ),
      fetch(`${bareOrigin}/signing-requests?limit=100&updated_after=${SINCE}`).then(
        (r) => r.json() as Promise<Page>,
      ),
    ]);
    const ids = (p: Page) => p.result.map((r) => r.id).join();
    if (mine.result.length !== 100 || ids(mine) !== ids(theirs)) {
      throw new Error(`pages differ: gateway ${mine.result.length} records, bare ${theirs.result.length}`);
    }
  },
});
process.exit(ok ? 0 : 1);
