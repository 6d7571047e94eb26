/** What the integrated-accounts API changes on a connection: permission, scope, metadata, pacing; deletion. */
import { and, eq } from 'drizzle-orm';
import { type ConnectionPacing, integratedAccounts } from '../db/schema/index';
import { ApiError } from '../http/errors';
import { removeConnectRegistration, syncConnectRegistration } from './connect-registration';
import { recordConnectionEvent } from './connection-events';
import type { ConnectionsContext } from './context';
import { type Permission, scopesFor } from './docusign-app';
import { getIntegratedAccount, type IntegratedAccountRow } from './integrated-accounts';
import { reauthorizeWithJwt } from './jwt-grant';
import { type IssuedLink, issueReauthorizationLink } from './link-issuing';

export interface IntegratedAccountChanges {
  permission?: Permission;
  accountId?: string;
  allAccounts?: true;
  metadata?: Record<string, unknown>;
  /** null: back to the gateway's pacing. */
  pacing?: ConnectionPacing | null;
}

/**
 * Applies the changes to a connection of the environment (404 for another environment's id). A permission or scope
 * change registers or removes the Connect configuration to match.
 */
export async function updateIntegratedAccount(
  ctx: ConnectionsContext,
  environmentId: string,
  id: string,
  changes: IntegratedAccountChanges,
): Promise<IntegratedAccountRow> {
  const row = await getIntegratedAccount(ctx.db, environmentId, id);
  if (changes.permission) assertGranted(row, changes.permission);
  if (changes.accountId && !row.accounts.some((account) => account.id === changes.accountId)) {
    throw new ApiError(
      'invalid_request',
      `DocuSign account ${changes.accountId} is not among this connection's accounts (${row.accounts.map((a) => a.id).join(', ')})`,
      { param: 'account_id' },
    );
  }
  const [updated] = await ctx.db
    .update(integratedAccounts)
    .set({
      ...(changes.permission ? { permission: changes.permission } : {}),
      ...(changes.accountId ? { scopeAccountId: changes.accountId, allAccounts: false } : {}),
      ...(changes.allAccounts ? { scopeAccountId: null, allAccounts: true } : {}),
      ...(changes.metadata ? { metadata: changes.metadata } : {}),
      ...(changes.pacing === undefined ? {} : { pacing: changes.pacing }),
      updatedAt: new Date(ctx.now()),
    })
    .where(and(eq(integratedAccounts.id, row.id), eq(integratedAccounts.environmentId, environmentId)))
    .returning();
  ctx.accounts.forget(row.id);
  const connectMayChange = changes.permission || changes.accountId || changes.allAccounts;
  return connectMayChange ? syncConnectRegistration(ctx, updated!) : updated!;
}

/**
 * A permission never claims more than DocuSign granted: raising it needs the scopes it stands for in the grant the
 * connection holds, else a 409 that points to re-authorization (a new grant with the new permission).
 */
function assertGranted(row: IntegratedAccountRow, permission: Permission): void {
  const granted = new Set(row.grantedScopes);
  const missing = scopesFor(permission).filter((scope) => !granted.has(scope));
  if (missing.length === 0) return;
  const how =
    row.authType === 'jwt'
      ? `POST /integrated-accounts/{id}/reauthorize?permission=${permission} signs a new JWT grant for it (the DocuSign user must have consented to those scopes)`
      : `POST /integrated-accounts/{id}/reauthorize returns a connect link where the user grants "${permission}"`;
  throw new ApiError(
    'conflict',
    `DocuSign has not granted this connection "${permission}" (missing scopes: ${missing.join(', ')}); ${how.replace('{id}', row.id)}`,
    {
      integrated_account_id: row.id,
      permission,
      granted_scopes: row.grantedScopes,
      missing_scopes: missing,
      reauthorize: {
        method: 'POST',
        path: `/integrated-accounts/${row.id}/reauthorize${row.authType === 'jwt' ? `?permission=${permission}` : ''}`,
      },
    },
  );
}

/**
 * Deletes a connection of the environment and its stored credentials, after removing the Connect configurations the
 * gateway registered for it (while its token still works); returns its id.
 */
export async function deleteIntegratedAccount(
  ctx: ConnectionsContext,
  environmentId: string,
  id: string,
): Promise<string> {
  const row = await getIntegratedAccount(ctx.db, environmentId, id);
  await removeConnectRegistration(ctx, row);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(integratedAccounts).where(eq(integratedAccounts.id, row.id));
    await recordConnectionEvent(tx, row, 'integrated_account.deleted');
  });
  ctx.accounts.forget(row.id);
  return row.id;
}

/**
 * Re-authorization: a code-grant connection gets a new connect link for its end user; a JWT connection is granted
 * again at once with its stored key.
 */
export async function reauthorizeIntegratedAccount(
  ctx: ConnectionsContext,
  environmentId: string,
  id: string,
  /** The permission of the new grant (default: the connection's); the end user of a code grant chooses it on the page. */
  permission?: Permission,
): Promise<{ link: IssuedLink } | { row: IntegratedAccountRow }> {
  const row = await getIntegratedAccount(ctx.db, environmentId, id);
  if (row.authType !== 'jwt') return { link: await issueReauthorizationLink(ctx, environmentId, row.id) };
  return { row: await reauthorizeWithJwt(ctx, row, permission) };
}
