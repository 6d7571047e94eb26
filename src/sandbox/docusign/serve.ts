/**
 * Runs the DocuSign simulator as a real HTTP server (`npm run sandbox`), so the gateway can be tried without a
 * DocuSign account. Environment: PORT (4010), HOST (127.0.0.1), SANDBOX_ORIGIN (default http://localhost:PORT),
 * SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET (default client credentials; derived from the seed when unset),
 * SANDBOX_SEED (1), SANDBOX_USERS / SANDBOX_ENVELOPES / SANDBOX_TEMPLATES, SANDBOX_REDIRECT_URIS (comma-separated).
 */
import { serve } from '@hono/node-server';
import { createDocusignSimulator } from './simulator';

const port = Number(process.env.PORT ?? 4010);
const host = process.env.HOST ?? '127.0.0.1';
const origin = process.env.SANDBOX_ORIGIN ?? `http://localhost:${port}`;
const num = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

const sim = createDocusignSimulator({
  seed: num('SANDBOX_SEED') ?? 1,
  clientId: process.env.SANDBOX_CLIENT_ID,
  clientSecret: process.env.SANDBOX_CLIENT_SECRET,
  origin,
  scale: {
    users: num('SANDBOX_USERS'),
    envelopes: num('SANDBOX_ENVELOPES'),
    templates: num('SANDBOX_TEMPLATES'),
  },
  redirectUris: process.env.SANDBOX_REDIRECT_URIS?.split(',').map((s) => s.trim()),
  connect: { retry: { attempts: 4, baseDelayMs: 2000 } },
});

const server = serve({ fetch: (req, env) => sim.serverFetch(req, env), port, hostname: host }, () => {
  const d = sim.defaults;
  console.log(`DocuSign simulator listening on ${origin} (${host}:${port})`);
  console.log(`  OAuth:        ${origin}/oauth/auth  ${origin}/oauth/token  ${origin}/oauth/userinfo`);
  console.log(`  eSignature:   ${origin}/restapi/v2.1/accounts/{accountId}/…`);
  console.log(`  Admin API:    ${origin}/management/v2/organizations/${d.organizationId}/…`);
  console.log(`  client id:    ${d.clientId}`);
  // The secret is not printed (no secrets in logs): set SANDBOX_CLIENT_SECRET to choose it.
  console.log(
    `  secret:       ${process.env.SANDBOX_CLIENT_SECRET ? 'from SANDBOX_CLIENT_SECRET' : 'derived from the seed; set SANDBOX_CLIENT_SECRET to choose one'}`,
  );
  console.log(`  default user: ${d.userEmail} (${d.userId})`);
  console.log(`  accounts:     ${d.accountIds.join(', ')}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
