import {
  createDocusignSimulator,
  type DocusignSimulator,
  type SimulatorOptions,
} from '../../src/sandbox/docusign/index';
import { createTestApp, type TestApp, type TestAppOptions } from './create-test-app';
import { simulatorDocusignConfig } from './docusign-connect';
import { type IntegratedAccount, json } from './http';
import { jwtConnectBody } from './jwt-connect';
import { testKeyPair } from './keys';

export { testKeyPair };

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
  const t = await createTestApp({
    fetch: sim.fetch,
    docusign: simulatorDocusignConfig(sim),
    sleep: async () => {},
    upstream: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options.app,
  });
  const connect: ConnectedApp['connect'] = async (choice = {}) => {
    const res = await t.request('/integrated-accounts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        jwtConnectBody(sim, keys.privateKeyPem, {
          permission: choice.permission ?? 'read_write',
          ...(choice.accountId ? { account_id: choice.accountId } : {}),
          ...(choice.allAccounts ? { all_accounts: true } : {}),
        }),
      ),
    });
    const body = await json<IntegratedAccount>(res);
    if (res.status !== 201 || body.status !== 'active') {
      throw new Error(`connect failed: ${res.status} ${JSON.stringify(body)}`);
    }
    return body.id;
  };
  return Object.assign(t, { sim, connect });
}
