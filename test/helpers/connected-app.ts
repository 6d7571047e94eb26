import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import {
  createDocusignSimulator,
  type DocusignSimulator,
  type SimulatorOptions,
} from '../../src/sandbox/docusign/index';
import { createTestApp, type TestApp, type TestAppOptions } from './create-test-app';
import { json } from './http';

let keyPair: Promise<{ privateKeyPem: string; publicKeyPem: string }> | null = null;

/** One RSA key pair per test process (generating one takes a moment). */
export function testKeyPair() {
  keyPair ??= generateKeyPair('RS256', { extractable: true }).then(async (pair) => ({
    privateKeyPem: await exportPKCS8(pair.privateKey),
    publicKeyPem: await exportSPKI(pair.publicKey),
  }));
  return keyPair;
}

export interface ConnectedApp extends TestApp {
  sim: DocusignSimulator;
  /** Creates a connection through the public JWT-grant API and returns its id. */
  connect(options?: {
    permission?: 'read' | 'read_write';
    allAccounts?: boolean;
    accountId?: string;
  }): Promise<string>;
}

/**
 * A gateway wired to an in-process DocuSign simulator (its `fetch` is the gateway's upstream fetch), with the
 * simulator's default app registered for the JWT grant and consented, so tests can connect with one call.
 */
export async function createConnectedApp(
  options: { sim?: SimulatorOptions; app?: TestAppOptions } = {},
): Promise<ConnectedApp> {
  const keys = await testKeyPair();
  const sim = createDocusignSimulator({ defaultClientPublicKeyPem: keys.publicKeyPem, ...options.sim });
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  const environment = {
    oauthBase: sim.origin,
    adminBase: `${sim.origin}/management`,
    clientId: sim.defaults.clientId,
    clientSecret: sim.defaults.clientSecret,
  };
  const t = await createTestApp({
    fetch: sim.fetch,
    docusign: { defaultEnvironment: 'sandbox', environments: { sandbox: environment } },
    sleep: async () => {},
    upstream: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options.app,
  });
  const connect: ConnectedApp['connect'] = async (choice = {}) => {
    const res = await t.request('/integrated-accounts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth_type: 'jwt',
        integration_key: sim.defaults.clientId,
        user_id: sim.defaults.userId,
        private_key: keys.privateKeyPem,
        permission: choice.permission ?? 'read_write',
        ...(choice.accountId ? { account_id: choice.accountId } : {}),
        ...(choice.allAccounts ? { all_accounts: true } : {}),
      }),
    });
    const body = await json(res);
    if (res.status !== 201 || body.status !== 'active') {
      throw new Error(`connect failed: ${res.status} ${JSON.stringify(body)}`);
    }
    return body.id as string;
  };
  return Object.assign(t, { sim, connect });
}
