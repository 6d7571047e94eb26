import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { establishConnection } from '../../connections/connect';
import { type ConnectionsContext, oauthRedirectUri } from '../../connections/context';
import { type Permission, scopesFor } from '../../connections/docusign-app';
import { newIntegratedAccountId } from '../../connections/integrated-accounts';
import {
  consumeLinkToken,
  findLinkToken,
  getLinkTokenById,
  type LinkProblem,
} from '../../connections/link-tokens';
import { DocusignOAuthError } from '../../connectors/docusign/errors';
import { LINK_STATE_AUDIENCE, LinkStateError } from '../../connectors/docusign/link-state';
import { createPkcePair } from '../../connectors/docusign/pkce';
import type { GatewayEnv } from '../../http/context';
import type { Router } from '../../http/openapi';
import { type ConnectFormValues, ConnectPage, MessagePage } from './views';

const html = { 'text/html': { schema: z.string() } };
// No length limit in the schema: a bad link must get the page, not a JSON validation error.
const TokenParams = z.object({ token: z.string().min(1) });
// Real tokens are ~35 characters; anything far longer is not worth hashing and looking up.
const MAX_TOKEN_LENGTH = 200;

const showRoute = createRoute({
  method: 'get',
  path: '/link/{token}',
  tags: ['Connections'],
  summary: 'Hosted connect page (for the end user, in a browser)',
  security: [],
  request: { params: TokenParams },
  responses: {
    200: { description: 'The connect page', content: html },
    404: { description: 'Unknown link', content: html },
    410: { description: 'Expired or used', content: html },
    503: { description: 'The DocuSign environment of the link is no longer configured', content: html },
  },
});

const submitRoute = createRoute({
  method: 'post',
  path: '/link/{token}',
  tags: ['Connections'],
  summary: 'Submit the connect page; redirects to DocuSign consent',
  security: [],
  request: { params: TokenParams },
  responses: {
    302: { description: 'Redirect to DocuSign' },
    400: { description: 'Invalid choice', content: html },
    404: { description: 'Unknown link', content: html },
    410: { description: 'Expired or used', content: html },
    503: { description: 'The DocuSign environment of the link is no longer configured', content: html },
  },
});

const callbackRoute = createRoute({
  method: 'get',
  path: '/oauth/callback',
  tags: ['Connections'],
  summary: 'DocuSign OAuth redirect target',
  security: [],
  request: {
    query: z.object({
      code: z.string().optional(),
      state: z.string().optional(),
      error: z.string().optional(),
      error_description: z.string().optional(),
    }),
  },
  responses: {
    200: { description: 'Result page', content: html },
    302: { description: 'Back to the return URL' },
    400: { description: 'Invalid callback', content: html },
    404: { description: 'Unknown link', content: html },
    410: { description: 'Expired or used', content: html },
    503: { description: 'The DocuSign environment of the link is no longer configured', content: html },
  },
});

const FormSchema = z.object({
  permission: z.enum(['read', 'read_write'], { error: 'Choose Read or Read and take actions.' }),
  account_id: z
    .string()
    .trim()
    .max(64)
    .regex(/^[A-Za-z0-9-]*$/, 'A DocuSign API Account ID has only letters, digits and dashes.')
    .default(''),
  all_accounts: z.enum(['true']).optional(),
});

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

const PROBLEM_TEXT: Record<LinkProblem, string> = {
  unknown: 'This connection link is not valid. Ask the application for a new link.',
  expired: 'This connection link has expired. Ask the application for a new link.',
  used: 'This connection link was already used. Ask the application for a new link if you need to connect again.',
};

/** The hosted connect page and the OAuth callback that completes it. */
export function registerConnectPages(app: Router, ctx: ConnectionsContext): void {
  app.openapi(showRoute, async (c) => {
    const found = await findLink(ctx, c.req.valid('param').token);
    if ('problem' in found) return problemPage(c, found.problem);
    if (!servedEnvironment(ctx, found.row.docusignEnvironment)) return environmentGonePage(c);
    const values: ConnectFormValues = { permission: 'read', accountId: '', allAccounts: false };
    return c.html(<ConnectPage action={c.req.path} values={values} />, 200);
  });

  app.openapi(submitRoute, async (c) => {
    const found = await findLink(ctx, c.req.valid('param').token);
    if ('problem' in found) return problemPage(c, found.problem);
    const environment = servedEnvironment(ctx, found.row.docusignEnvironment);
    if (!environment) return environmentGonePage(c);
    const form = await c.req.parseBody();
    const values: ConnectFormValues = {
      permission: form.permission === 'read_write' ? 'read_write' : 'read',
      accountId: typeof form.account_id === 'string' ? form.account_id : '',
      allAccounts: form.all_accounts === 'true',
    };
    const parsed = FormSchema.safeParse(form);
    let error = parsed.success ? null : parsed.error.issues[0]!.message;
    if (parsed.success && parsed.data.account_id && parsed.data.all_accounts) {
      error = 'Choose either an account ID or Sync all accounts, not both.';
    }
    if (!parsed.success || error) {
      return c.html(<ConnectPage action={c.req.path} values={values} error={error} />, 400);
    }
    const pkce = await createPkcePair();
    const claims: StateClaims = {
      lt: found.row.id,
      p: parsed.data.permission,
      s: parsed.data.all_accounts ? '*' : parsed.data.account_id,
      v: await ctx.vault.seal(pkce.codeVerifier, `pkce:${found.row.id}`),
    };
    const { token: state } = await ctx.signer.sign(claims, {
      audience: LINK_STATE_AUDIENCE.oauthState,
      ttlSeconds: 900,
    });
    const url = ctx.oauthClient(environment.oauthBase).authorizationUrl({
      clientId: environment.clientId!,
      redirectUri: oauthRedirectUri(ctx),
      scopes: scopesFor(parsed.data.permission),
      state,
      codeChallenge: pkce.codeChallenge,
    });
    return c.redirect(url, 302);
  });

  app.openapi(callbackRoute, async (c) => {
    const query = c.req.valid('query');
    if (!query.state) return errorPage(c, 'The sign-in answer from DocuSign is incomplete (no state).', 400);
    let claims: StateClaims;
    try {
      ({ claims } = await ctx.signer.verify<StateClaims>(query.state, {
        audience: LINK_STATE_AUDIENCE.oauthState,
      }));
    } catch (error) {
      if (!(error instanceof LinkStateError)) throw error;
      const text =
        error.reason === 'expired'
          ? 'The sign-in took too long and has expired. Open the connection link again.'
          : 'The sign-in answer could not be verified. Open the connection link again.';
      return errorPage(c, text, 400);
    }
    const link = await getLinkTokenById(ctx.db, claims.lt);
    if (!link) return problemPage(c, 'unknown');
    if (query.error) {
      const declined = query.error === 'access_denied';
      if (link.returnUrl) return c.redirect(withParams(link.returnUrl, { error: query.error }), 302);
      return errorPage(
        c,
        declined
          ? 'You declined access in DocuSign, so nothing was connected. Open the link again to retry.'
          : `DocuSign reported an error: ${query.error}.`,
        400,
      );
    }
    if (!query.code) return errorPage(c, 'The sign-in answer from DocuSign has no authorization code.', 400);
    if (link.usedAt) return problemPage(c, 'used');
    if (link.expiresAt.getTime() <= ctx.now()) return problemPage(c, 'expired');
    const environment = servedEnvironment(ctx, link.docusignEnvironment);
    if (!environment) return environmentGonePage(c);
    if (!(await consumeLinkToken(ctx.db, link.id, new Date(ctx.now())))) return problemPage(c, 'used');

    const oauth = ctx.oauthClient(environment.oauthBase);
    let row: Awaited<ReturnType<typeof establishConnection>>;
    try {
      const codeVerifier = await ctx.vault.open(claims.v, `pkce:${link.id}`);
      const tokens = await oauth.exchangeCode({
        code: query.code,
        codeVerifier,
        redirectUri: oauthRedirectUri(ctx),
        clientId: environment.clientId!,
        clientSecret: environment.clientSecret!,
      });
      row = await establishConnection(
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
    } catch (error) {
      if (!(error instanceof DocusignOAuthError)) throw error;
      return errorPage(
        c,
        `DocuSign did not complete the sign-in (${error.error}). Ask for a new link and try again.`,
        400,
      );
    }
    if (link.returnUrl) {
      return c.redirect(
        withParams(link.returnUrl, { integrated_account_id: row.id, status: row.status }),
        302,
      );
    }
    if (row.status !== 'active') {
      return c.html(
        <MessagePage
          kind="error"
          title="DocuSign connected, but it cannot be used yet"
          message={row.lastError ?? 'Validation failed.'}
          detail={`Connection ${row.id} is in status ${row.status}.`}
        />,
        200,
      );
    }
    return c.html(
      <MessagePage
        kind="ok"
        title="DocuSign connected"
        message={`Connected ${row.accounts.length} DocuSign account(s). You can close this window.`}
        detail={`Connection id: ${row.id}`}
      />,
      200,
    );
  });
}

function findLink(ctx: ConnectionsContext, token: string) {
  return token.length > MAX_TOKEN_LENGTH
    ? Promise.resolve({ problem: 'unknown' as const })
    : findLinkToken(ctx.db, token, ctx.now());
}

/** The DocuSign environment a link was made for, if this gateway still has it configured. */
function servedEnvironment(ctx: ConnectionsContext, name: string) {
  return ctx.docusign.environments[name];
}

function environmentGonePage(c: Context<GatewayEnv>) {
  return c.html(
    <MessagePage
      kind="error"
      title="DocuSign cannot be reached from this link"
      message="This gateway is no longer set up for the DocuSign environment this link was made for. Ask the application for a new link."
    />,
    503,
  );
}

function problemPage(c: Context<GatewayEnv>, problem: LinkProblem) {
  return c.html(
    <MessagePage kind="error" title="This link cannot be used" message={PROBLEM_TEXT[problem]} />,
    problem === 'unknown' ? 404 : 410,
  );
}

function errorPage(c: Context<GatewayEnv>, message: string, status: 400) {
  return c.html(<MessagePage kind="error" title="DocuSign was not connected" message={message} />, status);
}

function withParams(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}
