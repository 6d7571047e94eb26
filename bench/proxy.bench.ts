/**
 * `/proxy` overhead under load. Upstream, gateway and a bare Hono + undici passthrough each run as real HTTP
 * servers on loopback (child processes); this process generates the load (undici Pool, one request in flight per
 * socket). (a) bare: GET /users forwarded with a fixed bearer token, no auth, no logging; (b) gateway:
 * GET /proxy/esignature/users with an API key and a JWT connection (PGlite in memory, or `BENCH_DATABASE_URL`; log
 * level `warn`). Rounds alternate a/b back to back; targets use the median of the rounds' paired ratios.
 * Targets, static upstream (issue 16): req/s >= 0.85 of bare, CPU capacity >= 0.85, p99 <= 1.3x.
 * Simulator upstream (issue 7, end to end): req/s >= 90%, p99 <= 1.5x. Run: `npm run bench -- proxy.bench`.
 */
import { gatewayVersusBare } from './harness/versus';

const ok = await gatewayVersusBare({
  sim: { users: 500 },
  bareRole: 'bare-proxy',
  bare: { name: '(a) bare Hono + undici', path: '/users?count=25' },
  gateway: {
    name: '(b) gateway /proxy',
    path: (g) => `/proxy/esignature/users?count=25&integrated_account_id=${g.integratedAccountId}`,
  },
  connections: 32,
  targets: { static: { rps: 0.85, cpu: 0.85, p99: 1.3 }, sim: { rps: 0.9, p99: 1.5 } },
});
process.exit(ok ? 0 : 1);
