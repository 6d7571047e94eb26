/** The JWT grant (server to server): connect a DocuSign user with an integration key's RSA key. */
import { sealedAad } from '../credentials/aad';
import type { ConnectionPacing } from '../db/schema/index';
import { DocusignOAuthError } from '../docusign/errors';
import { importRsaPrivateKey } from '../docusign/jwt';
import { ApiError } from '../http/errors';
import { establishConnection } from './connect';
import { type ConnectionsContext, docusignEnvironment } from './context';
import { type Permission, scopesFor } from './docusign-app';
import type { IntegratedAccountRow } from './integrated-accounts';

export interface JwtConnectionInput {
  id: string;
  environmentId: string;
  clientId: string;
  userId: string;
  privateKeyPem: string;
  permission: Permission;
  scope: 'all' | 'default' | { accountId: string };
  docusignEnvironment: string | undefined;
  metadata: Record<string, unknown>;
  /** Set on a new connection; left out on a re-authorization (the stored pacing stays). */
  pacing?: ConnectionPacing | null;
}

/** Signs an assertion, turns `consent_required` into a 400 carrying the consent URL, then connects. */
export async function connectWithJwt(
  ctx: ConnectionsContext,
  input: JwtConnectionInput,
): Promise<IntegratedAccountRow> {
  const [name, environment] = docusignEnvironment(ctx, input.docusignEnvironment);
  await importRsaPrivateKey(input.privateKeyPem); // a bad PEM is a 400 before any network call
  const oauth = ctx.oauthClient(environment.oauthBase);
  const scopes = [
    'signature',
    'impersonation',
    ...scopesFor(input.permission).filter((s) => s !== 'signature'),
  ];
  let tokens: Awaited<ReturnType<typeof oauth.jwtGrant>>;
  try {
    tokens = await oauth.jwtGrant({
      clientId: input.clientId,
      userId: input.userId,
      privateKeyPem: input.privateKeyPem,
      scopes,
      redirectUri: `${ctx.publicUrl}/oauth/callback`,
    });
  } catch (error) {
    if (error instanceof DocusignOAuthError && error.error === 'consent_required') {
      throw new ApiError(
        'invalid_request',
        `DocuSign user ${input.userId} has not consented to integration key ${input.clientId}; open consent_url once, then retry`,
        { oauth_error: 'consent_required', consent_url: error.consentUrl },
      );
    }
    if (error instanceof DocusignOAuthError && ['invalid_grant', 'invalid_client'].includes(error.error)) {
      throw new ApiError(
        'invalid_request',
        `DocuSign refused the JWT grant: ${error.message}`,
        error.details,
      );
    }
    throw error;
  }
  return establishConnection(
    ctx,
    {
      id: input.id,
      environmentId: input.environmentId,
      permission: input.permission,
      scope: input.scope,
      authType: 'jwt',
      docusignEnvironment: name,
      hosts: environment,
      clientId: input.clientId,
      privateKeyPem: input.privateKeyPem,
      docusignUserId: input.userId,
      metadata: input.metadata,
      pacing: input.pacing,
    },
    tokens,
  );
}

/**
 * A fresh JWT grant for an existing JWT connection, with its stored key and scope, and its current permission or the
 * one asked for (the grant then asks DocuSign for that permission's scopes).
 */
export async function reauthorizeWithJwt(
  ctx: ConnectionsContext,
  row: IntegratedAccountRow,
  permission?: Permission,
): Promise<IntegratedAccountRow> {
  if (!row.privateKeySealed || !row.docusignUserId) {
    throw new ApiError('invalid_request', 'This JWT connection has no stored key; create it again');
  }
  const privateKeyPem = await ctx.vault.open(row.privateKeySealed, sealedAad(row.id, 'private_key'));
  return connectWithJwt(ctx, {
    id: row.id,
    environmentId: row.environmentId,
    clientId: row.clientId,
    userId: row.docusignUserId,
    privateKeyPem,
    permission: permission ?? (row.permission === 'read_write' ? 'read_write' : 'read'),
    scope: row.allAccounts ? 'all' : row.scopeAccountId ? { accountId: row.scopeAccountId } : 'default',
    docusignEnvironment: row.docusignEnvironment,
    metadata: row.metadata,
  });
}
