/**
 * The authorization code grant behind the hosted connect page: the start (PKCE pair, signed state, DocuSign's
 * consent URL) and the finish (verify the state, spend the link once, exchange the code, connect).
 */
import { sealedAad } from '../credentials/aad';
import { DocusignOAuthError } from '../docusign/errors';
import { LINK_STATE_AUDIENCE, LinkStateError } from '../docusign/link-state';
import { createPkcePair } from '../docusign/pkce';
import { establishConnection } from './connect';
import { type ConnectionsContext, oauthRedirectUri } from './context';
import { type DocusignEnvironmentConfig, type Permission, scopesFor } from './docusign-app';
import { type IntegratedAccountRow, newIntegratedAccountId } from './integrated-accounts';
import {
  consumeLinkToken,
  findLinkToken,
  getLinkTokenById,
  type LinkProblem,
  type LinkTokenRow,
} from './link-tokens';

interface StateClaims extends Record<string, unknown> {
  /** link token id */
  lt: string;
  /** permission */
  p: Permission;
  /** account scope: `*` all, `` default, else an account id */
  s: string;
  /** the PKCE verifier, vault-sealed so the state in the URL does not reveal it */
  v: string;
}

// Real tokens are ~35 characters; anything far longer is not worth hashing and looking up.
const MAX_TOKEN_LENGTH = 200;

/** A link by its token, or why it cannot be used. */
export function findLink(
  ctx: ConnectionsContext,
  token: string,
): Promise<{ row: LinkTokenRow } | { problem: LinkProblem }> {
  return token.length > MAX_TOKEN_LENGTH
    ? Promise.resolve({ problem: 'unknown' as const })
    : findLinkToken(ctx.db, token, ctx.now());
}

/** The DocuSign environment a link was made for, if this gateway still has it configured. */
export function servedEnvironment(
  ctx: ConnectionsContext,
  name: string,
): DocusignEnvironmentConfig | undefined {
  return ctx.docusign.environments[name];
}

/** The end user's choice on the connect page. */
export interface ConnectChoice {
  permission: Permission;
  accountId: string;
  allAccounts: boolean;
}

/** DocuSign's consent URL for a link and the end user's choice (state signed, PKCE verifier sealed inside it). */
export async function startCodeGrant(
  ctx: ConnectionsContext,
  link: LinkTokenRow,
  environment: DocusignEnvironmentConfig,
  choice: ConnectChoice,
): Promise<string> {
  const pkce = await createPkcePair();
  const claims: StateClaims = {
    lt: link.id,
    p: choice.permission,
    s: choice.allAccounts ? '*' : choice.accountId,
    v: await ctx.vault.seal(pkce.codeVerifier, sealedAad(link.id, 'pkce_verifier')),
  };
  const { token: state } = await ctx.signer.sign(claims, {
    audience: LINK_STATE_AUDIENCE.oauthState,
    ttlSeconds: 900,
  });
  return ctx.oauthClient(environment.oauthBase).authorizationUrl({
    clientId: environment.clientId!,
    redirectUri: oauthRedirectUri(ctx),
    scopes: scopesFor(choice.permission),
    state,
    codeChallenge: pkce.codeChallenge,
  });
}

/** What DocuSign's redirect to the callback carried. */
export interface CodeGrantCallback {
  code?: string;
  state?: string;
  error?: string;
}

/** How the finish of a code grant ended; the route turns each into a page or a redirect. */
export type CodeGrantOutcome =
  | { kind: 'bad_state'; reason: 'missing' | 'expired' | 'invalid' }
  | { kind: 'link_problem'; problem: LinkProblem }
  | { kind: 'docusign_error'; error: string; returnUrl: string | null }
  | { kind: 'no_code' }
  | { kind: 'environment_gone' }
  | { kind: 'exchange_failed'; error: string }
  | { kind: 'connected'; row: IntegratedAccountRow; returnUrl: string | null };

/** Verifies the state, spends the link once, exchanges the code (PKCE) and establishes the connection. */
export async function finishCodeGrant(
  ctx: ConnectionsContext,
  callback: CodeGrantCallback,
): Promise<CodeGrantOutcome> {
  if (!callback.state) return { kind: 'bad_state', reason: 'missing' };
  let claims: StateClaims;
  try {
    ({ claims } = await ctx.signer.verify<StateClaims>(callback.state, {
      audience: LINK_STATE_AUDIENCE.oauthState,
    }));
  } catch (error) {
    if (!(error instanceof LinkStateError)) throw error;
    return { kind: 'bad_state', reason: error.reason === 'expired' ? 'expired' : 'invalid' };
  }
  const link = await getLinkTokenById(ctx.db, claims.lt);
  if (!link) return { kind: 'link_problem', problem: 'unknown' };
  if (callback.error) return { kind: 'docusign_error', error: callback.error, returnUrl: link.returnUrl };
  if (!callback.code) return { kind: 'no_code' };
  if (link.usedAt) return { kind: 'link_problem', problem: 'used' };
  if (link.expiresAt.getTime() <= ctx.now()) return { kind: 'link_problem', problem: 'expired' };
  const environment = servedEnvironment(ctx, link.docusignEnvironment);
  if (!environment) return { kind: 'environment_gone' };
  if (!(await consumeLinkToken(ctx.db, link.id, new Date(ctx.now())))) {
    return { kind: 'link_problem', problem: 'used' };
  }
  const oauth = ctx.oauthClient(environment.oauthBase);
  try {
    const codeVerifier = await ctx.vault.open(claims.v, sealedAad(link.id, 'pkce_verifier'));
    const tokens = await oauth.exchangeCode({
      code: callback.code,
      codeVerifier,
      redirectUri: oauthRedirectUri(ctx),
      clientId: environment.clientId!,
      clientSecret: environment.clientSecret!,
    });
    const row = await establishConnection(
      ctx,
      {
        id: link.integratedAccountId ?? newIntegratedAccountId(),
        environmentId: link.environmentId,
        permission: claims.p,
        scope: claims.s === '*' ? 'all' : claims.s ? { accountId: claims.s } : 'default',
        authType: 'authorization_code',
        docusignEnvironment: link.docusignEnvironment,
        hosts: environment,
        clientId: environment.clientId!,
        metadata: link.returnUrl ? { return_url: link.returnUrl } : {},
      },
      tokens,
    );
    return { kind: 'connected', row, returnUrl: link.returnUrl };
  } catch (error) {
    if (!(error instanceof DocusignOAuthError)) throw error;
    return { kind: 'exchange_failed', error: error.error };
  }
}
