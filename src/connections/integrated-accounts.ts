import { z } from '@hono/zod-openapi';
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type DiscoveredAccount, integratedAccounts } from '../db/schema/index';
import { type CursorKey, DEFAULT_CURSOR_TTL_MS, decodeCursor, encodeCursor } from '../http/cursor';
import { ApiError } from '../http/errors';
import { ConnectionPacingSchema } from './pacing';

export type IntegratedAccountRow = typeof integratedAccounts.$inferSelect;

export const DiscoveredAccountSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    base_uri: z.string(),
    is_default: z.boolean(),
    organization_id: z.string().nullable(),
  })
  .openapi('DocusignAccount');

export const ConnectionEventsSchema = z
  .object({
    mode: z.enum(['connect', 'polling']).openapi({
      description:
        '`connect`: the gateway registered its DocuSign Connect configuration on every covered account; `polling`: changes are found by envelope status polling.',
    }),
    reason: z.string().nullable().openapi({ description: 'Why the connection is not (fully) on Connect.' }),
    connect_configurations: z.array(z.object({ account_id: z.string(), connect_id: z.string() })).openapi({
      description: "The Connect configurations (DocuSign's `connectId`) the gateway registered.",
    }),
  })
  .openapi('ConnectionEvents');

export const AccountScopeSchema = z
  .union([z.object({ account_id: z.string() }), z.object({ all_accounts: z.literal(true) })])
  .openapi('AccountScope');

/** The public shape of a connection; credentials never appear in it. */
export const IntegratedAccountSchema = z
  .object({
    id: z.string(),
    environment_id: z.string(),
    provider: z.literal('docusign'),
    status: z.enum(['connecting', 'active', 'needs_reauth', 'validation_error']),
    auth_type: z.enum(['authorization_code', 'jwt']),
    permission: z.enum(['read', 'read_write']),
    docusign_environment: z.string(),
    scope: AccountScopeSchema,
    accounts: z.array(DiscoveredAccountSchema),
    organization_id: z.string().nullable(),
    granted_scopes: z.array(z.string()),
    last_refreshed_at: z.string().nullable(),
    last_error: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    pacing: z.union([ConnectionPacingSchema, z.null()]),
    events: ConnectionEventsSchema,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('IntegratedAccount', {
    example: {
      id: 'ia_5b1c0e6f7a8d4e2b9c3d1a0f',
      environment_id: 'env_development',
      provider: 'docusign',
      status: 'active',
      auth_type: 'authorization_code',
      permission: 'read_write',
      docusign_environment: 'demo',
      scope: { all_accounts: true },
      accounts: [
        {
          id: 'f0d2c1b4-8d6a-4a43-9f1e-2c7b5d3e9a10',
          name: 'Acme Corp',
          base_uri: 'https://demo.docusign.net',
          is_default: true,
          organization_id: null,
        },
      ],
      organization_id: null,
      granted_scopes: ['signature', 'extended'],
      last_refreshed_at: '2026-11-23T12:00:00.000Z',
      last_error: null,
      metadata: {},
      pacing: null,
      events: {
        mode: 'connect',
        reason: null,
        connect_configurations: [{ account_id: 'f0d2c1b4-8d6a-4a43-9f1e-2c7b5d3e9a10', connect_id: '10472' }],
      },
      created_at: '2026-11-23T11:59:00.000Z',
      updated_at: '2026-11-23T12:00:00.000Z',
    },
  });

export type IntegratedAccount = z.infer<typeof IntegratedAccountSchema>;

/** Maps a row to the public shape (no sealed credential columns). */
export function presentIntegratedAccount(row: IntegratedAccountRow): IntegratedAccount {
  return {
    id: row.id,
    environment_id: row.environmentId,
    provider: 'docusign',
    status: row.status as IntegratedAccount['status'],
    auth_type: row.authType === 'jwt' ? 'jwt' : 'authorization_code',
    permission: row.permission === 'read_write' ? 'read_write' : 'read',
    docusign_environment: row.docusignEnvironment,
    scope: row.allAccounts ? { all_accounts: true } : { account_id: row.scopeAccountId ?? '' },
    accounts: row.accounts.map((account) => ({ ...account, name: account.name ?? null })),
    organization_id: row.organizationId,
    granted_scopes: row.grantedScopes,
    last_refreshed_at: row.lastRefreshedAt?.toISOString() ?? null,
    last_error: row.lastError,
    metadata: row.metadata,
    pacing: row.pacing ?? null,
    events: {
      mode: row.eventsMode === 'connect' ? 'connect' : 'polling',
      reason: row.eventsReason,
      connect_configurations: row.connectConfigurations,
    },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** A new id for an integrated account. */
export function newIntegratedAccountId(): string {
  return `ia_${crypto.randomUUID().replaceAll('-', '')}`;
}

/** Loads a connection of the environment, or throws 404 (another environment's id is also a 404). */
export async function getIntegratedAccount(
  db: Database,
  environmentId: string,
  id: string,
): Promise<IntegratedAccountRow> {
  const [row] = await db
    .select()
    .from(integratedAccounts)
    .where(and(eq(integratedAccounts.id, id), eq(integratedAccounts.environmentId, environmentId)))
    .limit(1);
  if (!row) throw new ApiError('not_found', `Integrated account ${id} not found`);
  return row;
}

/** One page of the environment's connections, oldest first. */
export async function listIntegratedAccounts(
  db: Database,
  environmentId: string,
  options: { offset: number; limit: number },
): Promise<IntegratedAccountRow[]> {
  return db
    .select()
    .from(integratedAccounts)
    .where(eq(integratedAccounts.environmentId, environmentId))
    .orderBy(asc(integratedAccounts.createdAt), asc(integratedAccounts.id))
    .offset(options.offset)
    .limit(options.limit);
}

/** One API page of the environment's connections, with a signed cursor to the next. */
export async function listIntegratedAccountsPage(
  ctx: { db: Database; now: () => number },
  cursorKey: CursorKey,
  environmentId: string,
  options: { limit: number; cursor: string | undefined },
): Promise<{ result: IntegratedAccount[]; next_cursor: string | null; result_count: number }> {
  const binding = {
    environmentId,
    integratedAccountId: '',
    resource: 'integrated-accounts',
    filtersHash: '',
  };
  const position = options.cursor
    ? await decodeCursor(options.cursor, cursorKey, binding, ctx.now())
    : { offset: 0 };
  const rows = await listIntegratedAccounts(ctx.db, environmentId, {
    offset: position.offset,
    limit: options.limit + 1,
  });
  const page = rows.slice(0, options.limit);
  const next =
    rows.length > options.limit
      ? await encodeCursor(
          {
            ...binding,
            offset: position.offset + options.limit,
            accountIndex: 0,
            expiresAt: ctx.now() + DEFAULT_CURSOR_TTL_MS,
          },
          cursorKey,
        )
      : null;
  return { result: page.map(presentIntegratedAccount), next_cursor: next, result_count: page.length };
}

/** The DocuSign accounts a connection covers, in a stable order (default first). */
export function coveredAccounts(row: IntegratedAccountRow): DiscoveredAccount[] {
  return row.allAccounts ? row.accounts : row.accounts.filter((account) => account.id === row.scopeAccountId);
}
