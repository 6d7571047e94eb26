import { createRoute, z } from '@hono/zod-openapi';
import type { ConnectionsContext } from '../../connections/context';
import { issueLinkToken } from '../../connections/link-issuing';
import { isSafeReturnUrl } from '../../connections/return-url';
import { errorResponses, type Router } from '../../http/openapi';

const CreateLinkTokenSchema = z
  .object({
    return_url: z
      .url({ protocol: /^https?$/, error: 'return_url must be an http(s) URL' })
      .max(2048, 'return_url must be at most 2048 characters')
      .refine(
        isSafeReturnUrl,
        'return_url must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
      )
      .optional()
      .openapi({
        description:
          'Where the end user is sent after connecting, with `integrated_account_id` and `status`. ' +
          'Must be https, except http on loopback (localhost, 127.0.0.1, [::1]).',
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
  operationId: 'createLinkToken',
  tags: ['Connections'],
  summary: 'Create a single-use link to the hosted DocuSign connect page',
  request: { body: { content: { 'application/json': { schema: CreateLinkTokenSchema } }, required: true } },
  responses: {
    201: { description: 'Link created', content: { 'application/json': { schema: LinkTokenSchema } } },
    ...errorResponses(400, 401),
  },
});

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
