import type { GatewayApp } from '../app';
import type { DocusignEnvironmentConfig } from '../connections/docusign-app';
import type { RunningSandbox } from './sandbox';

/** What connecting the built-in sandbox needs from it; plain data, so a child process can be given it. */
export interface SandboxAccess {
  environment: DocusignEnvironmentConfig;
  jwt: RunningSandbox['jwt'];
  /** The sandbox accounts' Connect HMAC keys. */
  hmacKeys: string[];
}

export function sandboxAccess(sandbox: RunningSandbox): SandboxAccess {
  const hmacKeys = [...sandbox.sim.state.accounts.values()].flatMap((account) => account.hmacKeys);
  return { environment: sandbox.environment, jwt: sandbox.jwt, hmacKeys };
}

/**
 * Connects the built-in sandbox through the gateway's own public API (JWT grant, all accounts, read and write),
 * so the first `npm start` has a working connection to try, and gives it the sandbox accounts' Connect HMAC keys
 * so the Connect configuration the gateway registers there delivers events at once. Returns the integrated account id.
 */
export async function connectSandbox(
  app: GatewayApp,
  apiKey: string,
  sandbox: SandboxAccess,
): Promise<string> {
  const res = await app.request('/integrated-accounts', {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      auth_type: 'jwt',
      integration_key: sandbox.jwt.clientId,
      user_id: sandbox.jwt.userId,
      private_key: sandbox.jwt.privateKeyPem,
      permission: 'read_write',
      all_accounts: true,
      docusign_environment: 'sandbox',
      metadata: { name: 'Built-in DocuSign sandbox' },
    }),
  });
  const body = (await res.json()) as { id?: string; status?: string; error?: { message: string } };
  if (res.status !== 201 || !body.id || body.status !== 'active') {
    throw new Error(
      `Could not connect the built-in sandbox: ${body.error?.message ?? body.status ?? res.status}`,
    );
  }
  for (const key of sandbox.hmacKeys) {
    const added = await app.request(`/integrated-accounts/${body.id}/connect-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    if (added.status !== 201) throw new Error(`Could not add the sandbox's Connect key: ${added.status}`);
  }
  return body.id;
}
