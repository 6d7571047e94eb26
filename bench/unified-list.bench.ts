/**
 * Unified list under load: gateway `GET /unified/user-directory/users?limit=100` vs a bare Hono handler that fetches
 * one DocuSign users page (`count=100&additional_info=true`, as the mapping asks) and maps the same fields by hand.
 * Real servers on loopback (child processes), load from this process; rounds alternate back to back, the targets use
 * the median of the rounds' paired ratios.
 * Targets, static upstream (issue 16): req/s >= 0.85 of bare, CPU capacity >= 0.85, p99 <= 1.3x.
 * Simulator upstream (issue 7, end to end): req/s >= 80%. Run: `npm run bench -- unified-list`.
 */
import { gatewayVersusBare } from './harness/versus';

const ok = await gatewayVersusBare({
  sim: { users: 500 },
  bareRole: 'bare-unified',
  bare: { name: '(a) bare Hono, mapped by hand', path: '/users?limit=100' },
  gateway: {
    name: '(b) gateway unified list',
    path: (g) => `/unified/user-directory/users?limit=100&integrated_account_id=${g.integratedAccountId}`,
  },
  connections: 16,
  targets: { static: { rps: 0.85, cpu: 0.85, p99: 1.3 }, sim: { rps: 0.8 } },
});
process.exit(ok ? 0 : 1);
