import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ApplicationBranding } from '../../config';
import { findLink, finishCodeGrant, servedEnvironment, startCodeGrant } from '../../connections/code-grant';
import type { ConnectionsContext } from '../../connections/context';
import type { LinkProblem } from '../../connections/link-tokens';
import type { GatewayEnv } from '../../http/context';
import type { Router } from '../../http/openapi';
import { type ConnectFormValues, ConnectPage, MessagePage } from './views';

const html = { 'text/html': { schema: z.string() } };
// No length limit in the schema: a bad link must get the page, not a JSON validation error.
const TokenParams = z.object({ token: z.string().min(1) });

const showRoute = createRoute({
  method: 'get',
  path: '/link/{token}',
  operationId: 'showConnectPage',
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
  operationId: 'submitConnectPage',
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
  operationId: 'completeOAuthCallback',
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

const BAD_STATE_TEXT = {
  missing: 'The sign-in answer from DocuSign is incomplete (no state).',
  expired: 'The sign-in took too long and has expired. Open the connection link again.',
  invalid: 'The sign-in answer could not be verified. Open the connection link again.',
} as const;

const PROBLEM_TEXT: Record<LinkProblem, string> = {
  unknown: 'This connection link is not valid. Ask the application for a new link.',
  expired: 'This connection link has expired. Ask the application for a new link.',
  used: 'This connection link was already used. Ask the application for a new link if you need to connect again.',
};

/** The hosted connect page and the OAuth callback that completes it. */
export function registerConnectPages(
  app: Router,
  ctx: ConnectionsContext,
  application: ApplicationBranding,
): void {
  app.openapi(showRoute, async (c) => {
    const found = await findLink(ctx, c.req.valid('param').token);
    if ('problem' in found) return problemPage(c, found.problem);
    if (!servedEnvironment(ctx, found.row.docusignEnvironment)) return environmentGonePage(c);
    const values: ConnectFormValues = { permission: 'read', accountId: '', allAccounts: false };
    const audience = { application, environment: found.row.docusignEnvironment };
    return c.html(<ConnectPage action={c.req.path} values={values} audience={audience} />, 200);
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
      const audience = { application, environment: found.row.docusignEnvironment };
      return c.html(
        <ConnectPage action={c.req.path} values={values} audience={audience} error={error} />,
        400,
      );
    }
    const url = await startCodeGrant(ctx, found.row, environment, {
      permission: parsed.data.permission,
      accountId: parsed.data.account_id,
      allAccounts: parsed.data.all_accounts === 'true',
    });
    return c.redirect(url, 302);
  });

  app.openapi(callbackRoute, async (c) => {
    const outcome = await finishCodeGrant(ctx, c.req.valid('query'));
    switch (outcome.kind) {
      case 'bad_state':
        return errorPage(c, BAD_STATE_TEXT[outcome.reason], 400);
      case 'link_problem':
        return problemPage(c, outcome.problem);
      case 'docusign_error':
        if (outcome.returnUrl)
          return c.redirect(withParams(outcome.returnUrl, { error: outcome.error }), 302);
        return errorPage(
          c,
          outcome.error === 'access_denied'
            ? 'You declined access in DocuSign, so nothing was connected. Open the link again to retry.'
            : `DocuSign reported an error: ${outcome.error}.`,
          400,
        );
      case 'no_code':
        return errorPage(c, 'The sign-in answer from DocuSign has no authorization code.', 400);
      case 'environment_gone':
        return environmentGonePage(c);
      case 'exchange_failed':
        return errorPage(
          c,
          `DocuSign did not complete the sign-in (${outcome.error}). Ask for a new link and try again.`,
          400,
        );
    }
    const { row, returnUrl } = outcome;
    if (returnUrl) {
      return c.redirect(withParams(returnUrl, { integrated_account_id: row.id, status: row.status }), 302);
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
