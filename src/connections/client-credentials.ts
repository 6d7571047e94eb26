import { eq } from 'drizzle-orm';
import { sealedAad } from '../credentials/aad';
import type { ClientCredentials } from '../credentials/token-manager';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import { integratedAccounts } from '../db/schema/index';
import { ApiError } from '../http/errors';
import type { DocusignAppConfig } from './docusign-app';

/**
 * The app credentials a connection refreshes with: its own sealed private key (JWT) or client secret when it
 * brought one, else the integration key configured for its DocuSign environment.
 */
export async function clientCredentialsFor(
  db: Database,
  vault: Vault,
  docusign: DocusignAppConfig,
  integratedAccountId: string,
): Promise<ClientCredentials> {
  const [row] = await db
    .select({
      clientId: integratedAccounts.clientId,
      oauthBase: integratedAccounts.oauthBase,
      docusignEnvironment: integratedAccounts.docusignEnvironment,
      clientSecretSealed: integratedAccounts.clientSecretSealed,
      privateKeySealed: integratedAccounts.privateKeySealed,
    })
    .from(integratedAccounts)
    .where(eq(integratedAccounts.id, integratedAccountId))
    .limit(1);
  if (!row) throw new ApiError('not_found', `Integrated account ${integratedAccountId} not found`);
  const environment = docusign.environments[row.docusignEnvironment];
  return {
    oauthBase: row.oauthBase,
    clientId: row.clientId,
    clientSecret: row.clientSecretSealed
      ? await vault.open(row.clientSecretSealed, sealedAad(integratedAccountId, 'client_secret'))
      : environment?.clientId === row.clientId
        ? environment.clientSecret
        : undefined,
    privateKeyPem: row.privateKeySealed
      ? await vault.open(row.privateKeySealed, sealedAad(integratedAccountId, 'private_key'))
      : undefined,
  };
}
