import { createRoute, z } from '@hono/zod-openapi';
import type { ConnectionsContext } from '../connections/context';
import {
  deleteIntegratedAccount,
  reauthorizeIntegratedAccount,
  updateIntegratedAccount,
} from '../connections/integrated-account-changes';
import {
  getIntegratedAccount,
  IntegratedAccountSchema,
  listIntegratedAccountsPage,
  newIntegratedAccountId,
  presentIntegratedAccount,
} from '../connections/integrated-accounts';
import { connectWithJwt } from '../connections/jwt-grant';
import { ConnectionPacingChangeSchema, ConnectionPacingSchema, storedPacing } from '../connections/pacing';
import { type CursorKey, LIMIT_DEFAULT } from '../http/cursor';
import { errorResponses, type Router } from '../http/openapi';
import { LinkTokenSchema } from './connect/link-tokens';

const ONE_OR_ALL = 'Choose either account_id or all_accounts, not both';

export const JwtConnectionSchema = z
  .object({
    auth_type: z.literal('jwt'),
    integration_key: z.string().min(1).openapi({ description: 'The DocuSign integration key (client id).' }),
    user_id: z.string().min(1).openapi({ description: 'The DocuSign user id (GUID) to impersonate.' }),
    private_key: z.string().min(1).openapi({ description: 'RSA private key of the integration key, PEM.' }),
    permission: z.enum(['read', 'read_write']).default('read'),
    account_id: z.string().min(1).optional(),
    all_accounts: z.boolean().optional(),
    docusign_environment: z
      .string()
      .optional()
      .openapi({ description: '`demo` (default), `production` or `sandbox`.' }),
    metadata: z.record(z.string(), z.unknown()).optional(),
    pacing: ConnectionPacingSchema.optional(),
  })
  .refine((body) => !(body.account_id && body.all_accounts), { message: ONE_OR_ALL, path: ['all_accounts'] })
  .openapi('CreateJwtConnection');

const UpdateSchema = z
  .object({
    permission: z.enum(['read', 'read_write']).optional(),
    account_id: z.string().min(1).optional(),
    all_accounts: z.literal(true).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    pacing: ConnectionPacingChangeSchema.optional(),
  })
  .refine((body) => !(body.account_id && body.all_accounts), { message: ONE_OR_ALL, path: ['all_accounts'] })
  .openapi('UpdateIntegratedAccount');

const IdParams = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(LIMIT_DEFAULT),
  cursor: z.string().optional(),
});
const ListSchema = z
  .object({
    result: z.array(IntegratedAccountSchema),
    next_cursor: z.string().nullable(),
    result_count: z.number(),
  })
  .openapi('IntegratedAccountList');
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const routes = {
  create: createRoute({
    method: 'post',
    path: '/integrated-accounts',
    operationId: 'createIntegratedAccount',
    tags: ['Connections'],
    summary: 'Connect with the JWT grant (server-to-server); the code grant uses /link-tokens',
    request: { body: { content: json(JwtConnectionSchema), required: true } },
    responses: {
      201: { description: 'Connected', content: json(IntegratedAccountSchema) },
      ...errorResponses(400, 401, 502, 503),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/integrated-accounts',
    operationId: 'listIntegratedAccounts',
    tags: ['Connections'],
    summary: 'List connections of this environment',
    request: { query: ListQuery },
    responses: { 200: { description: 'A page', content: json(ListSchema) }, ...errorResponses(400, 401) },
  }),
  get: createRoute({
    method: 'get',
    path: '/integrated-accounts/{id}',
    operationId: 'getIntegratedAccount',
    tags: ['Connections'],
    summary: 'Get a connection',
    request: { params: IdParams },
    responses: {
      200: { description: 'The connection', content: json(IntegratedAccountSchema) },
      ...errorResponses(401, 404),
    },
  }),
  update: createRoute({
    method: 'patch',
    path: '/integrated-accounts/{id}',
    operationId: 'updateIntegratedAccount',
    tags: ['Connections'],
    summary: 'Change permission, account scope, metadata or pacing',
    description:
      'A permission never claims more than DocuSign granted: raising `read` to `read_write` on a connection whose grant lacks the write scopes is a 409 `conflict` pointing to `POST /integrated-accounts/{id}/reauthorize` (`?permission=read_write` for a JWT connection; a code-grant connection gets a link where its user grants it), which asks DocuSign for a new grant. Lowering it always works.',
    request: { params: IdParams, body: { content: json(UpdateSchema), required: true } },
    responses: {
      200: { description: 'Updated', content: json(IntegratedAccountSchema) },
      ...errorResponses(400, 401, 404, 409),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/integrated-accounts/{id}',
    operationId: 'deleteIntegratedAccount',
    tags: ['Connections'],
    summary: 'Delete a connection and its stored credentials',
    request: { params: IdParams },
    responses: {
      200: { description: 'Deleted', content: json(z.object({ id: z.string() }).openapi('Deleted')) },
      ...errorResponses(401, 404),
    },
  }),
  reauthorize: createRoute({
    method: 'post',
    path: '/integrated-accounts/{id}/reauthorize',
    operationId: 'reauthorizeIntegratedAccount',
    tags: ['Connections'],
    summary: 'Re-authorize: a new connect link (code grant) or a fresh JWT grant',
    description:
      'A JWT connection is granted again at once, with the `permission` query parameter when given (how to widen a read connection to read_write: DocuSign must grant the new scopes); a code-grant connection gets a link where its user signs in and chooses the permission again.',
    request: {
      params: IdParams,
      query: z.object({
        permission: z.enum(['read', 'read_write']).optional().openapi({
          description: 'The permission of the new grant (JWT; default: the current one).',
        }),
      }),
    },
    responses: {
      200: {
        description: 'A link for the end user (code grant) or the refreshed connection (JWT)',
        content: json(z.union([LinkTokenSchema, IntegratedAccountSchema])),
      },
      ...errorResponses(400, 401, 404, 502, 503),
    },
  }),
};

/** The integrated accounts API. */
export function registerIntegratedAccounts(
  app: Router,
  ctx: ConnectionsContext,
  cursorKey: Promise<CursorKey>,
): void {
  app.openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const environmentId = c.get('auth').environmentId;
    const row = await connectWithJwt(ctx, {
      id: newIntegratedAccountId(),
      environmentId,
      clientId: body.integration_key,
      userId: body.user_id,
      privateKeyPem: body.private_key,
      permission: body.permission,
      scope: body.all_accounts ? 'all' : body.account_id ? { accountId: body.account_id } : 'default',
      docusignEnvironment: body.docusign_environment,
      metadata: body.metadata ?? {},
      pacing: storedPacing(body.pacing ?? null),
    });
    return c.json(presentIntegratedAccount(row), 201);
  });

  app.openapi(routes.list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await listIntegratedAccountsPage(ctx, await cursorKey, c.get('auth').environmentId, {
      limit,
      cursor,
    });
    return c.json(page, 200);
  });

  app.openapi(routes.get, async (c) => {
    const row = await getIntegratedAccount(ctx.db, c.get('auth').environmentId, c.req.valid('param').id);
    return c.json(presentIntegratedAccount(row), 200);
  });

  app.openapi(routes.update, async (c) => {
    const body = c.req.valid('json');
    const updated = await updateIntegratedAccount(ctx, c.get('auth').environmentId, c.req.valid('param').id, {
      permission: body.permission,
      accountId: body.account_id,
      allAccounts: body.all_accounts,
      metadata: body.metadata,
      pacing: body.pacing === undefined ? undefined : storedPacing(body.pacing),
    });
    return c.json(presentIntegratedAccount(updated), 200);
  });

  app.openapi(routes.remove, async (c) => {
    const id = await deleteIntegratedAccount(ctx, c.get('auth').environmentId, c.req.valid('param').id);
    return c.json({ id }, 200);
  });

  app.openapi(routes.reauthorize, async (c) => {
    const { permission } = c.req.valid('query');
    const result = await reauthorizeIntegratedAccount(
      ctx,
      c.get('auth').environmentId,
      c.req.valid('param').id,
      permission,
    );
    return c.json('link' in result ? result.link : presentIntegratedAccount(result.row), 200);
  });
}
