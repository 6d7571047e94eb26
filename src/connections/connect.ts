import { eq } from 'drizzle-orm';
import { sealedAad } from '../credentials/aad';
import { sealTokenSet } from '../credentials/token-manager';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import { type ConnectionPacing, type DiscoveredAccount, integratedAccounts } from '../db/schema/index';
import { type AccountScope, esignatureBase, selectAccounts, usableAccounts } from '../docusign/accounts';
import { DocusignAccountError, DocusignOAuthError } from '../docusign/errors';
import type { DocusignHosts } from '../docusign/hosts';
import type { DocusignOAuthClient, DocusignTokenSet } from '../docusign/oauth';
import { ApiError } from '../http/errors';
import type { UpstreamClient } from '../upstream/client';
import { type ConnectRegistrationDeps, syncConnectRegistration } from './connect-registration';
import { recordConnectionEvent } from './connection-events';
import type { Permission } from './docusign-app';
import { coveredAccounts, type IntegratedAccountRow } from './integrated-accounts';
import { upstreamBudget } from './pacing';

export interface ConnectDeps extends ConnectRegistrationDeps {
  db: Database;
  vault: Vault;
  oauthClient(oauthBase: string): DocusignOAuthClient;
  upstream: UpstreamClient;
  /** Milliseconds clock (the app's injected one). */
  now: () => number;
}

/** What a new or re-authorized connection is made of, before DocuSign is asked. */
export interface ConnectionDraft {
  id: string;
  environmentId: string;
  permission: Permission;
  /** `default`: the user's default account, learnt from userinfo. */
  scope: AccountScope | 'default';
  authType: 'authorization_code' | 'jwt';
  docusignEnvironment: string;
  hosts: DocusignHosts;
  clientId: string;
  /** Sealed here when the connection brings its own app credentials (JWT: the private key). */
  privateKeyPem?: string;
  clientSecret?: string;
  docusignUserId?: string | null;
  metadata?: Record<string, unknown>;
  /** The connection's own pacing (null: the gateway's); left out, a re-authorization keeps the stored one. */
  pacing?: ConnectionPacing | null;
}

/**
 * Stores tokens for a connection, learns its accounts from userinfo, and validates it with one real call per
 * covered account. Ends `active` (with its Connect configuration registered where it can be), or `validation_error`
 * with the reason in `last_error` (never "connected" without a usable account).
 */
export async function establishConnection(
  deps: ConnectDeps,
  draft: ConnectionDraft,
  tokens: DocusignTokenSet,
): Promise<IntegratedAccountRow> {
  const oauth = deps.oauthClient(draft.hosts.oauthBase);
  const sealed = await sealTokenSet(deps.vault, draft.id, tokens);
  const base = {
    id: draft.id,
    environmentId: draft.environmentId,
    permission: draft.permission,
    authType: draft.authType,
    docusignEnvironment: draft.docusignEnvironment,
    oauthBase: draft.hosts.oauthBase,
    adminBase: draft.hosts.adminBase,
    clientId: draft.clientId,
    allAccounts: draft.scope === 'all',
    accessTokenSealed: sealed.accessTokenSealed,
    refreshTokenSealed: sealed.refreshTokenSealed,
    accessTokenExpiresAt: new Date(sealed.expiresAt!),
    grantedScopes: sealed.scopes,
    lastRefreshedAt: new Date(deps.now()),
    refreshFailures: 0,
    refreshRetryAt: null,
    privateKeySealed: draft.privateKeyPem
      ? await deps.vault.seal(draft.privateKeyPem, sealedAad(draft.id, 'private_key'))
      : null,
    clientSecretSealed: draft.clientSecret
      ? await deps.vault.seal(draft.clientSecret, sealedAad(draft.id, 'client_secret'))
      : null,
    metadata: draft.metadata ?? {},
    ...(draft.pacing === undefined ? {} : { pacing: draft.pacing }),
    updatedAt: new Date(deps.now()),
  };

  let accounts: DiscoveredAccount[] = [];
  let organizationId: string | null = null;
  let docusignUserId = draft.docusignUserId ?? null;
  let problem: string | null = null;
  let scopeAccountId = typeof draft.scope === 'object' ? draft.scope.accountId : null;
  try {
    const userInfo = await oauth.userInfo(tokens.accessToken);
    docusignUserId = docusignUserId ?? userInfo.sub;
    const selected =
      draft.scope === 'default'
        ? selectAccounts(userInfo, 'all').slice(0, 1)
        : selectAccounts(userInfo, draft.scope);
    if (draft.scope === 'default') scopeAccountId = selected[0]!.accountId;
    // Every discovered account is kept, so the scope can later change without another sign-in.
    accounts = usableAccounts(userInfo).map((account) => ({
      id: account.accountId,
      name: account.accountName ?? account.accountId,
      base_uri: account.baseUri,
      is_default: account.isDefault,
      organization_id: account.organizationId,
    }));
    organizationId = selected.find((account) => account.organizationId)?.organizationId ?? null;
  } catch (error) {
    if (!(error instanceof DocusignAccountError || error instanceof DocusignOAuthError)) throw error;
    problem = error.message;
  }

  const values = {
    ...base,
    scopeAccountId,
    accounts,
    organizationId,
    docusignUserId,
    status: problem ? 'validation_error' : 'active',
    lastError: problem,
  };
  const [row] = await deps.db
    .insert(integratedAccounts)
    .values(values)
    .onConflictDoUpdate({ target: integratedAccounts.id, set: values })
    .returning();
  deps.accounts.forget(draft.id);
  if (problem) return row!;

  // One real eSignature call per covered account proves the token, the base URI and the account all work.
  for (const account of coveredAccounts(row!)) {
    try {
      const res = await deps.upstream.request({
        integratedAccountId: draft.id,
        ...upstreamBudget(row!, account),
        method: 'GET',
        url: esignatureBase({ baseUri: account.base_uri, accountId: account.id }),
      });
      await res.body?.cancel();
      if (!res.ok)
        throw new ApiError('upstream_error', `DocuSign answered ${res.status} for account ${account.id}`);
    } catch (error) {
      const reason = `Validation call to account ${account.id} failed: ${error instanceof Error ? error.message : String(error)}`;
      const [failed] = await deps.db
        .update(integratedAccounts)
        .set({ status: 'validation_error', lastError: reason, updatedAt: new Date(deps.now()) })
        .where(eq(integratedAccounts.id, draft.id))
        .returning();
      deps.accounts.forget(draft.id);
      return failed!;
    }
  }
  // Connect registration before the event, so `integrated_account.active` tells how events will arrive.
  const registered = await syncConnectRegistration(deps, row!);
  await recordConnectionEvent(deps.db, registered, 'integrated_account.active');
  return registered;
}
