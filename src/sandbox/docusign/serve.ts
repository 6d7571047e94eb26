/**
 * `npm run sandbox`: the DocuSign simulator as a local DocuSign for any client (the official SDKs included), over
 * HTTP and HTTPS. Environment: PORT (4010), HTTPS_PORT (4443; `off` disables HTTPS), HOST (127.0.0.1),
 * SANDBOX_DATA_DIR (.data/sandbox; its certificate lives there; set it explicitly to also keep the state across
 * restarts), SANDBOX_ORIGIN (a fixed public origin, e.g. behind a proxy; by default each request's own origin),
 * SANDBOX_JWT_PUBLIC_KEY (PEM) / SANDBOX_JWT_PUBLIC_KEY_FILE (JWT keys of the default integration key),
 * SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET, SANDBOX_SEED (1), SANDBOX_USERS / SANDBOX_ENVELOPES / SANDBOX_TEMPLATES,
 * SANDBOX_REDIRECT_URIS (comma-separated).
 */
import { CONTROL_PREFIX } from './control/prefix';
import { startSandboxServer } from './server/sandbox-server';

const env = process.env;
const num = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
const port = num('PORT') ?? 4010;
const httpsPort = env.HTTPS_PORT === 'off' ? undefined : (num('HTTPS_PORT') ?? 4443);

const sandbox = await startSandboxServer({
  host: env.HOST ?? '127.0.0.1',
  port,
  httpsPort,
  dataDir: env.SANDBOX_DATA_DIR ?? '.data/sandbox',
  persist: env.SANDBOX_DATA_DIR !== undefined,
  publicOrigin: env.SANDBOX_ORIGIN,
  publicKeyPems: env.SANDBOX_JWT_PUBLIC_KEY ? [env.SANDBOX_JWT_PUBLIC_KEY.replace(/\\n/g, '\n')] : [],
  publicKeyFiles: env.SANDBOX_JWT_PUBLIC_KEY_FILE ? [env.SANDBOX_JWT_PUBLIC_KEY_FILE] : [],
  simulator: {
    seed: num('SANDBOX_SEED') ?? 1,
    clientId: env.SANDBOX_CLIENT_ID,
    clientSecret: env.SANDBOX_CLIENT_SECRET,
    scale: {
      users: num('SANDBOX_USERS'),
      envelopes: num('SANDBOX_ENVELOPES'),
      templates: num('SANDBOX_TEMPLATES'),
    },
    redirectUris: env.SANDBOX_REDIRECT_URIS?.split(',').map((s) => s.trim()),
    connect: { retry: { attempts: 4, baseDelayMs: 2000 } },
  },
});

const { sim } = sandbox;
const d = sim.defaults;
const main = sandbox.httpsUrl ?? sandbox.httpUrl;
const client = d.clientId;
const lines = [
  `DocuSign sandbox on ${sandbox.httpUrl}${sandbox.httpsUrl ? ` and ${sandbox.httpsUrl}` : ''}`,
  ...(sandbox.certPath
    ? [`  TLS certificate: ${sandbox.certPath}  (trust it: NODE_EXTRA_CA_CERTS=${sandbox.certPath})`]
    : []),
  `  OAuth base path (SDK setOAuthBasePath): ${new URL(main).host}`,
  `  eSignature base: ${main}/restapi      Admin API base: ${main}/management`,
  // A local sandbox's own test credentials, printed so an integrator can configure a client (not a real secret).
  `  integration key: ${client}`,
  `  secret key:      ${d.clientSecret}`,
  `  default user:    ${d.userEmail} (${d.userId})`,
  `  accounts:        ${d.accountIds.join(', ')}   organization: ${d.organizationId}`,
  '  JWT grant: register your RSA public key (PEM) with SANDBOX_JWT_PUBLIC_KEY_FILE=key.pub, or',
  `    curl -X PUT ${sandbox.httpUrl}${CONTROL_PREFIX}/clients/${client}/public-key -H 'content-type: application/json' \\`,
  `      -d "{\\"publicKeyPem\\": $(jq -Rs . < key.pub)}"   (consent: POST ${CONTROL_PREFIX}/consent)`,
  `  Control API:     ${sandbox.httpUrl}${CONTROL_PREFIX}  (never exposed by DocuSign; do not publish this port)`,
  sandbox.stateFile
    ? `  State: ${sandbox.stateFile.path} (${sandbox.stateFile.restored ? 'restored' : 'new'})`
    : '  State: in memory (set SANDBOX_DATA_DIR to keep it across restarts)',
];
console.log(lines.join('\n'));

const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
