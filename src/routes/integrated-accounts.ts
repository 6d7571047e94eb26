import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { credentialAad, establishConnection } from '../connections/connect';
import { type ConnectionsContext, docusignEnvironment } from '../connections/context';
import { scopesFor } from '../connections/docusign-app';
import {
  getIntegratedAccount,
  IntegratedAccountSchema,
  listIntegratedAccounts,
  newIntegratedAccountId,
  presentIntegratedAccount,
} from '../connections/integrated-accounts';
import { DocusignOAuthError } from '../connectors/docusign/errors';
import { importRsaPrivateKey } from '../connectors/docusign/jwt';
import { integratedAccounts } from '../db/schema/index';
import {
  type CursorKey,
  DEFAULT_CURSOR_TTL_MS,
  decodeCursor,
  encodeCursor,
  LIMIT_DEFAULT,
} from '../http/cursor';
import { ApiError } from '../http/errors';
import { errorResponses, type Router } from '../http/openapi';
import { issueReauthorizationLink, LinkTokenSchema } from './connect/link-tokens';

const ONE_OR_ALL = 'Choose either account_id or all_accounts, not both';

const JwtConnectionSchema = z
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
  })
  .refine((body) => !(body.account_id && body.all_accounts), { message: ONE_OR_ALL, path: ['all_accounts'] })
  .openapi('CreateJwtConnection');

const UpdateSchema = z
  .object({
    permission: z.enum(['read', 'read_write']).optional(),
    account_id: z.string().min(1).optional(),
    all_accounts: z.literal(true).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
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
    tags: ['Connections'],
    summary: 'List connections of this environment',
    request: { query: ListQuery },
    responses: { 200: { description: 'A page', content: json(ListSchema) }, ...errorResponses(400, 401) },
  }),
  get: createRoute({
    method: 'get',
    path: '/integrated-accounts/{id}',
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
    tags: ['Connections'],
    summary: 'Change permission, account scope or metadata',
    request: { params: IdParams, body: { content: json(UpdateSchema), required: true } },
    responses: {
      200: { description: 'Updated', content: json(IntegratedAccountSchema) },
      ...errorResponses(400, 401, 404),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/integrated-accounts/{id}',
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
    tags: ['Connections'],
    summary: 'Re-authorize: a new connect link (code grant) or a fresh JWT grant',
    request: { params: IdParams },
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
    });
    return c.json(presentIntegratedAccount(row), 201);
  });

  app.openapi(routes.list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const environmentId = c.get('auth').environmentId;
    const binding = {
      environmentId,
      integratedAccountId: '',
      resource: 'integrated-accounts',
      filtersHash: '',
    };
    const position = cursor ? await decodeCursor(cursor, await cursorKey, binding, ctx.now()) : { offset: 0 };
    const rows = await listIntegratedAccounts(ctx.db, environmentId, {
      offset: position.offset,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const next =
      rows.length > limit
        ? await encodeCursor(
            {
              ...binding,
              offset: position.offset + limit,
              accountIndex: 0,
              expiresAt: ctx.now() + DEFAULT_CURSOR_TTL_MS,
            },
            await cursorKey,
          )
        : null;
    return c.json(
      { result: page.map(presentIntegratedAccount), next_cursor: next, result_count: page.length },
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    const row = await getIntegratedAccount(ctx.db, c.get('auth').environmentId, c.req.valid('param').id);
    return c.json(presentIntegratedAccount(row), 200);
  });

  app.openapi(routes.update, async (c) => {
    const environmentId = c.get('auth').environmentId;
    const row = await getIntegratedAccount(ctx.db, environmentId, c.req.valid('param').id);
    const body = c.req.valid('json');
    if (body.account_id && !row.accounts.some((account) => account.id === body.account_id)) {
      throw new ApiError(
        'invalid_request',
        `DocuSign account ${body.account_id} is not among this connection's accounts (${row.accounts.map((a) => a.id).join(', ')})`,
        { param: 'account_id' },
      );
    }
    const [updated] = await ctx.db
      .update(integratedAccounts)
      .set({
        ...(body.permission ? { permission: body.permission } : {}),
        ...(body.account_id ? { scopeAccountId: body.account_id, allAccounts: false } : {}),
        ...(body.all_accounts ? { scopeAccountId: null, allAccounts: true } : {}),
        ...(body.metadata ? { metadata: body.metadata } : {}),
        updatedAt: new Date(ctx.now()),
      })
      .where(and(eq(integratedAccounts.id, row.id), eq(integratedAccounts.environmentId, environmentId)))
      .returning();
    ctx.accounts.forget(row.id);
    return c.json(presentIntegratedAccount(updated!), 200);
  });

  app.openapi(routes.remove, async (c) => {
    const environmentId = c.get('auth').environmentId;
    const row = await getIntegratedAccount(ctx.db, environmentId, c.req.valid('param').id);
    await ctx.db.delete(integratedAccounts).where(eq(integratedAccounts.id, row.id));
    ctx.accounts.forget(row.id);
    return c.json({ id: row.id }, 200);
  });

  app.openapi(routes.reauthorize, async (c) => {
    const environmentId = c.get('auth').environmentId;
    const row = await getIntegratedAccount(ctx.db, environmentId, c.req.valid('param').id);
    if (row.authType !== 'jwt')
      return c.json(await issueReauthorizationLink(ctx, environmentId, row.id), 200);
    if (!row.privateKeySealed || !row.docusignUserId) {
      throw new ApiError('invalid_request', 'This JWT connection has no stored key; create it again');
    }
    const privateKeyPem = await ctx.vault.open(row.privateKeySealed, credentialAad(row.id, 'private_key'));
    const refreshed = await connectWithJwt(ctx, {
      id: row.id,
      environmentId,
      clientId: row.clientId,
      userId: row.docusignUserId,
      privateKeyPem,
      permission: row.permission === 'read_write' ? 'read_write' : 'read',
      scope: row.allAccounts ? 'all' : row.scopeAccountId ? { accountId: row.scopeAccountId } : 'default',
      docusignEnvironment: row.docusignEnvironment,
      metadata: row.metadata,
    });
    return c.json(presentIntegratedAccount(refreshed), 200);
  });
}

/** JWT grant: signs an assertion, turns `consent_required` into a 400 carrying the consent URL, then connects. */
async function connectWithJwt(
  ctx: ConnectionsContext,
  input: {
    id: string;
    environmentId: string;
    clientId: string;
    userId: string;
    privateKeyPem: string;
    permission: 'read' | 'read_write';
    scope: 'all' | 'default' | { accountId: string };
    docusignEnvironment: string | undefined;
    metadata: Record<string, unknown>;
  },
) {
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
    },
    tokens,
  );
}
