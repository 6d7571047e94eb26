import { createRoute, z } from '@hono/zod-openapi';
import { type ConnectionsContext, docusignEnvironment } from '../../connections/context';
import { getIntegratedAccount } from '../../connections/integrated-accounts';
import { createLinkToken } from '../../connections/link-tokens';
import { ApiError } from '../../http/errors';
import { errorResponses, type Router } from '../../http/openapi';

const CreateLinkTokenSchema = z
  .object({
    return_url: z
      .url({ protocol: /^https?$/, error: 'return_url must be an http(s) URL' })
      .optional()
      .openapi({
        description:
          'Where the end user is sent after connecting, with `integrated_account_id` and `status`.',
      }),
    docusign_environment: z
      .string()
      .optional()
      .openapi({ description: '`demo` (default), `production` or `sandbox`.' }),
    expires_in_seconds: z.number().int().min(60).max(86_400).default(1800),
  })
  .openapi('CreateLinkToken');

export const LinkTokenSchema = z
  .object({
    link_token: z.string(),
    link_url: z.string(),
    expires_at: z.string(),
  })
  .openapi('LinkToken', {
    example: {
      link_token: 'lt_9cQ2…',
      link_url: 'https://gateway.example.com/link/lt_9cQ2…',
      expires_at: '2026-11-23T12:30:00.000Z',
    },
  });

const route = createRoute({
  method: 'post',
  path: '/link-tokens',
  tags: ['Connections'],
  summary: 'Create a single-use link to the hosted DocuSign connect page',
  request: { body: { content: { 'application/json': { schema: CreateLinkTokenSchema } }, required: true } },
  responses: {
    201: { description: 'Link created', content: { 'application/json': { schema: LinkTokenSchema } } },
    ...errorResponses(400, 401),
  },
});

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
) {
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

/** `POST /link-tokens`. */
export function registerLinkTokens(app: Router, ctx: ConnectionsContext): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const link = await issueLinkToken(ctx, {
      environmentId: c.get('auth').environmentId,
      docusignEnvironment: body.docusign_environment,
      returnUrl: body.return_url ?? null,
      integratedAccountId: null,
      ttlSeconds: body.expires_in_seconds,
    });
    return c.json(link, 201);
  });
}

/** Used by re-authorization: a link bound to an existing connection of the environment. */
export async function issueReauthorizationLink(ctx: ConnectionsContext, environmentId: string, id: string) {
  const row = await getIntegratedAccount(ctx.db, environmentId, id);
  return issueLinkToken(ctx, {
    environmentId,
    docusignEnvironment: row.docusignEnvironment,
    returnUrl: typeof row.metadata.return_url === 'string' ? row.metadata.return_url : null,
    integratedAccountId: row.id,
    ttlSeconds: 1800,
  });
}
