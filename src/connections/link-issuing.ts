/** Issuing single-use links to the hosted connect page, for a new connection or to re-authorize one. */
import { ApiError } from '../http/errors';
import { type ConnectionsContext, docusignEnvironment } from './context';
import { getIntegratedAccount } from './integrated-accounts';
import { createLinkToken } from './link-tokens';

/** A link as the API returns it. */
export interface IssuedLink {
  link_token: string;
  link_url: string;
  expires_at: string;
}

/** Issues a link token (for a new connection, or to re-authorize `integratedAccountId`). */
export async function issueLinkToken(
  ctx: ConnectionsContext,
  input: {
    environmentId: string;
    docusignEnvironment: string | undefined;
    returnUrl: string | null;
    integratedAccountId: string | null;
    ttlSeconds: number;
  },
): Promise<IssuedLink> {
  const [name, config] = docusignEnvironment(ctx, input.docusignEnvironment);
  if (!config.clientId || !config.clientSecret) {
    throw new ApiError(
      'invalid_request',
      `No DocuSign integration key is configured for "${name}"; set DOCUSIGN_CLIENT_ID and DOCUSIGN_CLIENT_SECRET`,
    );
  }
  const expiresAt = new Date(ctx.now() + input.ttlSeconds * 1000);
  const { token } = await createLinkToken(ctx.db, {
    environmentId: input.environmentId,
    docusignEnvironment: name,
    returnUrl: input.returnUrl,
    integratedAccountId: input.integratedAccountId,
    expiresAt,
  });
  return {
    link_token: token,
    link_url: `${ctx.publicUrl}/link/${token}`,
    expires_at: expiresAt.toISOString(),
  };
}

/** Used by re-authorization: a link bound to an existing connection of the environment. */
export async function issueReauthorizationLink(
  ctx: ConnectionsContext,
  environmentId: string,
  id: string,
): Promise<IssuedLink> {
  const row = await getIntegratedAccount(ctx.db, environmentId, id);
  return issueLinkToken(ctx, {
    environmentId,
    docusignEnvironment: row.docusignEnvironment,
    returnUrl: typeof row.metadata.return_url === 'string' ? row.metadata.return_url : null,
    integratedAccountId: row.id,
    ttlSeconds: 1800,
  });
}
