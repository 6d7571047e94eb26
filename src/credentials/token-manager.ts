import { TtlCache } from '../cache/ttl-cache';
import { DocusignOAuthError } from '../docusign/errors';
import type { DocusignOAuthClient, DocusignTokenSet } from '../docusign/oauth';
import { ApiError } from '../http/errors';
import { sealedAad } from './aad';
import type { LockedTokenRow, TokenRow, TokenStore } from './token-store';
import type { Vault } from './vault';

/**
 * The one place credentials come from (DESIGN.md §1, §5): refreshes ahead of expiry, once per
 * process (shared promise) and once across processes (row lock, then re-read), records
 * `needs_reauth` on `invalid_grant`, cools down after other failures, and for JWT-grant connections
 * "refreshes" by signing a new assertion under the same lock.
 */

/** The app's DocuSign credentials for one connection: a secret for code-grant, a key for JWT-grant. */
export interface ClientCredentials {
  /** The account server that issued the connection's tokens; picks the OAuth client when `oauth` is a function. */
  oauthBase?: string;
  clientId: string;
  clientSecret?: string;
  privateKeyPem?: string;
}

export interface TokenManagerOptions {
  store: TokenStore;
  vault: Vault;
  /** One OAuth client, or one per account server (connections may live on demo, production or a sandbox). */
  oauth:
    | Pick<DocusignOAuthClient, 'refresh' | 'jwtGrant'>
    | ((credentials: ClientCredentials) => Pick<DocusignOAuthClient, 'refresh' | 'jwtGrant'>);
  /**
   * Resolves the integration key and its secret or private key for a connection. Called before the row lock is
   * taken, never inside it: on PGlite (one connection) a query outside the locking transaction would wait forever.
   */
  clientCredentials(integratedAccountId: string): Promise<ClientCredentials> | ClientCredentials;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Refresh when less than this remains; default 5 minutes. */
  refreshMarginMs?: number;
  /**
   * Reuse a token read from the store for this long in this process without reading the store again (default 0:
   * every call reads it). A forced refresh (DocuSign answered 401) always goes to the store.
   */
  reuseMs?: number;
  /** First cooldown after a failed refresh, doubled per further failure; default 30 s. */
  cooldownMs?: number;
  /** Cap of the cooldown; default 10 minutes. */
  maxCooldownMs?: number;
}

/** A usable access token. */
export interface AccessToken {
  accessToken: string;
  expiresAt: number;
}

export interface GetAccessTokenOptions {
  /** Refresh even if the stored token looks valid (DocuSign answered 401 with it). */
  force?: boolean;
  /** The token DocuSign rejected; if another caller already replaced it, that newer token is used instead. */
  rejectedToken?: string;
  /** Refresh unless the token stays valid at least this long (the scheduler's horizon); default: the margin. */
  minValidityMs?: number;
}

export interface TokenManager {
  /** A valid access token for the integrated account, refreshed first if it is about to expire. */
  getAccessToken(integratedAccountId: string, options?: GetAccessTokenOptions): Promise<AccessToken>;
  /**
   * Calls `call` with a token; if the result is a 401, forces one refresh and calls once more (never
   * more). `isUnauthorized` defaults to `result instanceof Response && result.status === 401`.
   */
  withAccessToken<T>(
    integratedAccountId: string,
    call: (accessToken: string) => Promise<T>,
    isUnauthorized?: (result: T) => boolean,
  ): Promise<T>;
}

/** Seals a token set into the row columns (used on connect and on refresh). */
export async function sealTokenSet(
  vault: Vault,
  integratedAccountId: string,
  token: DocusignTokenSet,
): Promise<Pick<TokenRow, 'accessTokenSealed' | 'refreshTokenSealed' | 'expiresAt' | 'scopes'>> {
  return {
    accessTokenSealed: await vault.seal(token.accessToken, sealedAad(integratedAccountId, 'access_token')),
    refreshTokenSealed: token.refreshToken
      ? await vault.seal(token.refreshToken, sealedAad(integratedAccountId, 'refresh_token'))
      : null,
    expiresAt: token.expiresAt,
    scopes: token.scopes,
  };
}

const REAUTH_ERRORS = new Set(['invalid_grant', 'consent_required']);

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Creates the token manager. */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { store, vault } = options;
  const oauthFor = (credentials: ClientCredentials) =>
    typeof options.oauth === 'function' ? options.oauth(credentials) : options.oauth;
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  const cooldownBase = options.cooldownMs ?? 30_000;
  const cooldownMax = options.maxCooldownMs ?? 10 * 60_000;
  const inFlight = new Map<string, Promise<AccessToken>>();
  const reuseMs = options.reuseMs ?? 0;
  const reusable = new TtlCache<string, AccessToken>({ maxEntries: 10_000, ttlMs: reuseMs, now });
  const remember = (id: string, token: AccessToken) => reusable.set(id, token);

  const openAccess = async (row: TokenRow): Promise<AccessToken | null> => {
    if (!row.accessTokenSealed || row.expiresAt === null) return null;
    const accessToken = await vault.open(row.accessTokenSealed, sealedAad(row.id, 'access_token'));
    return { accessToken, expiresAt: row.expiresAt };
  };

  const isFresh = (token: AccessToken | null, minValidityMs = 0): boolean =>
    token !== null && token.expiresAt - now() > Math.max(margin, minValidityMs);

  const refreshUnderLock = async (
    id: string,
    force: boolean,
    rejectedToken: string | undefined,
    minValidityMs: number | undefined,
  ) => {
    // A failure is kept and rethrown under the lock, so it is recorded like any other failed refresh.
    const credentials: Settled<ClientCredentials> = await Promise.resolve()
      .then(() => options.clientCredentials(id))
      .then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    const result = await store.withLock(id, async (locked) => {
      const { row } = locked;
      assertUsable(row);
      const current = await openAccess(row);
      // Someone else (another caller or process) may have refreshed while we waited for the lock.
      if (
        current &&
        isFresh(current, minValidityMs) &&
        (!force || (rejectedToken !== undefined && current.accessToken !== rejectedToken))
      ) {
        return current;
      }
      if (row.refreshRetryAt !== null && now() < row.refreshRetryAt) {
        if (!force && current && current.expiresAt > now()) return current;
        throw coolingDown(row, row.refreshRetryAt - now());
      }
      return obtainNewToken(locked, credentials, force ? null : current);
    });
    if (result === null) throw notFound(id);
    return result;
  };

  /** `fallback`: a still-unexpired token to return if the refresh fails for a transient reason. */
  const obtainNewToken = async (
    locked: LockedTokenRow,
    resolved: Settled<ClientCredentials>,
    fallback: AccessToken | null,
  ): Promise<AccessToken> => {
    const { row } = locked;
    let token: DocusignTokenSet;
    try {
      if (!resolved.ok) throw resolved.error;
      const credentials = resolved.value;
      token =
        row.grantType === 'jwt' ? await jwtToken(row, credentials) : await codeGrantToken(row, credentials);
    } catch (err) {
      if (err instanceof DocusignOAuthError && REAUTH_ERRORS.has(err.error)) {
        const lastError = `${err.error}${err.description ? `: ${err.description}` : ''}`;
        await locked.update({ status: 'needs_reauth', lastError, refreshRetryAt: null });
        await locked.addEvent({
          type: 'integrated_account.needs_reauth',
          integratedAccountId: row.id,
          payload: { reason: err.error, description: err.description, consent_url: err.consentUrl },
        });
        throw needsReauth(row.id, lastError, err.consentUrl);
      }
      const failures = row.refreshFailures + 1;
      const wait = Math.min(cooldownBase * 2 ** (failures - 1), cooldownMax);
      await locked.update({
        refreshFailures: failures,
        refreshRetryAt: now() + wait,
        lastError: err instanceof Error ? err.message : 'token refresh failed',
      });
      // A failed proactive refresh is not fatal while the old token still works.
      if (fallback && fallback.expiresAt > now()) return fallback;
      throw err;
    }
    const sealed = await sealTokenSet(vault, row.id, token);
    await locked.update({
      ...sealed,
      // DocuSign rotates refresh tokens; keep the old one only if none came back.
      refreshTokenSealed:
        sealed.refreshTokenSealed ?? (row.grantType === 'jwt' ? null : row.refreshTokenSealed),
      status: 'active',
      refreshFailures: 0,
      refreshRetryAt: null,
      lastError: null,
    });
    return { accessToken: token.accessToken, expiresAt: token.expiresAt };
  };

  const codeGrantToken = async (row: TokenRow, credentials: ClientCredentials): Promise<DocusignTokenSet> => {
    if (!row.refreshTokenSealed || !credentials.clientSecret) {
      throw new ApiError('needs_reauth', `Integrated account ${row.id} has no refresh token; reconnect it`);
    }
    const refreshToken = await vault.open(row.refreshTokenSealed, sealedAad(row.id, 'refresh_token'));
    return oauthFor(credentials).refresh({
      refreshToken,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
    });
  };

  const jwtToken = async (row: TokenRow, credentials: ClientCredentials): Promise<DocusignTokenSet> => {
    if (!row.docusignUserId || !credentials.privateKeyPem) {
      throw new ApiError(
        'internal',
        `Integrated account ${row.id} is a JWT connection without a user id or key`,
      );
    }
    return oauthFor(credentials).jwtGrant({
      clientId: credentials.clientId,
      userId: row.docusignUserId,
      privateKeyPem: credentials.privateKeyPem,
      scopes: row.scopes.length > 0 ? row.scopes : ['signature', 'impersonation'],
    });
  };

  const getAccessToken = async (id: string, opts: GetAccessTokenOptions = {}): Promise<AccessToken> => {
    const force = opts.force ?? false;
    if (!force) {
      const hot = reusable.get(id);
      if (hot && isFresh(hot, opts.minValidityMs)) return hot;
      const row = await store.read(id);
      if (!row) throw notFound(id);
      assertUsable(row);
      const current = await openAccess(row);
      if (current && isFresh(current, opts.minValidityMs)) {
        remember(id, current);
        return current;
      }
      // Cooling down after a failed refresh: no lock, no token endpoint.
      if (row.refreshRetryAt !== null && now() < row.refreshRetryAt) {
        if (current && current.expiresAt > now()) return current;
        throw coolingDown(row, row.refreshRetryAt - now());
      }
    }
    // Concurrent callers in this process share one refresh, forced or not.
    const pending = inFlight.get(id);
    if (pending) return pending;
    reusable.delete(id);
    const promise = refreshUnderLock(id, force, opts.rejectedToken, opts.minValidityMs)
      .then((token) => {
        remember(id, token);
        return token;
      })
      .finally(() => inFlight.delete(id));
    inFlight.set(id, promise);
    return promise;
  };

  return {
    getAccessToken,
    async withAccessToken<T>(
      id: string,
      call: (accessToken: string) => Promise<T>,
      isUnauthorized: (result: T) => boolean = (result) =>
        result instanceof Response && result.status === 401,
    ): Promise<T> {
      const first = await getAccessToken(id);
      const result = await call(first.accessToken);
      if (!isUnauthorized(result)) return result;
      if (result instanceof Response) await result.body?.cancel();
      const second = await getAccessToken(id, { force: true, rejectedToken: first.accessToken });
      return call(second.accessToken);
    },
  };
}

function assertUsable(row: TokenRow): void {
  if (row.status === 'needs_reauth') {
    throw needsReauth(row.id, row.lastError, null);
  }
  if (row.status === 'validation_error' || row.status === 'connecting') {
    throw new ApiError(
      'conflict',
      `Integrated account ${row.id} is ${row.status}; it cannot call DocuSign yet`,
      {
        status: row.status,
      },
    );
  }
}

function needsReauth(id: string, lastError: string | null, consentUrl: string | null): ApiError {
  return new ApiError('needs_reauth', `Integrated account ${id} must be reconnected`, {
    integrated_account_id: id,
    last_error: lastError,
    ...(consentUrl ? { consent_url: consentUrl } : {}),
  });
}

function coolingDown(row: TokenRow, waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError(
    'upstream_unavailable',
    `Token refresh for integrated account ${row.id} failed recently; retrying in ${seconds} s`,
    { integrated_account_id: row.id, last_error: row.lastError },
    { 'retry-after': String(seconds) },
  );
}

function notFound(id: string): ApiError {
  return new ApiError('not_found', `Integrated account ${id} not found`);
}
