import { z } from 'zod';
import { type DocusignUserInfo, userInfoSchema } from './accounts';
import { DocusignOAuthError } from './errors';
import { importRsaPrivateKey, signJwtAssertion } from './jwt';

/** Lifetimes assumed when a token response has no `expires_in` (DIGEST.md §1), so the token still gets refreshed. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = { codeGrant: 8 * 3600, jwtGrant: 3600 } as const;

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A token response, normalised. */
export interface DocusignTokenSet {
  accessToken: string;
  /** Null for JWT-grant tokens. */
  refreshToken: string | null;
  /** Epoch milliseconds, from `expires_in` or the default lifetime. */
  expiresAt: number;
  scopes: string[];
}

export interface DocusignOAuthClientOptions {
  /** e.g. `https://account-d.docusign.com` (see `docusignHosts`). */
  oauthBase: string;
  fetch?: typeof fetch;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
}

export interface AuthorizationUrlParams {
  oauthBase: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  /** S256 challenge from `createPkcePair`. */
  codeChallenge: string;
}

export interface ExchangeCodeParams {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  clientId: string;
  clientSecret: string;
}

export interface RefreshParams {
  refreshToken: string;
  clientId: string;
  clientSecret: string;
}

export interface JwtGrantParams {
  clientId: string;
  userId: string;
  privateKeyPem: string;
  scopes: readonly string[];
  /** Defaults to the client's `oauthBase`. */
  oauthBase?: string;
  /** Redirect URI registered for the integration key; put into the consent URL of `consent_required`. */
  redirectUri?: string;
}

export interface DocusignOAuthClient {
  readonly oauthBase: string;
  /** URL of `/oauth/auth` for the authorization code grant with PKCE; `oauthBase` defaults to the client's. */
  authorizationUrl(params: Omit<AuthorizationUrlParams, 'oauthBase'> & { oauthBase?: string }): string;
  /** Authorization code grant: trades a code (and its PKCE verifier) for tokens. */
  exchangeCode(params: ExchangeCodeParams): Promise<DocusignTokenSet>;
  /** Spends a refresh token; DocuSign rotates it, the old one must not be used again. */
  refresh(params: RefreshParams): Promise<DocusignTokenSet>;
  /** JWT grant: signs an RS256 assertion and trades it for an access token (no refresh token). */
  jwtGrant(params: JwtGrantParams): Promise<DocusignTokenSet>;
  /** `GET /oauth/userinfo`: the user and their accounts with `base_uri`. */
  userInfo(accessToken: string): Promise<DocusignUserInfo>;
}

/** Builds the `/oauth/auth` URL for the authorization code grant with PKCE (S256). */
export function authorizationUrl(params: AuthorizationUrlParams): string {
  const url = new URL(`${trimSlash(params.oauthBase)}/oauth/auth`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', params.scopes.join(' '));
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('state', params.state);
  url.searchParams.set('code_challenge', params.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** The URL a user opens to grant an integration key consent (needed before the JWT grant works). */
export function consentUrl(params: {
  oauthBase: string;
  clientId: string;
  scopes: readonly string[];
  redirectUri?: string;
}): string {
  const url = new URL(`${trimSlash(params.oauthBase)}/oauth/auth`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', params.scopes.join(' '));
  url.searchParams.set('client_id', params.clientId);
  if (params.redirectUri) url.searchParams.set('redirect_uri', params.redirectUri);
  return url.toString();
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().min(1).nullish(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]).nullish(),
  scope: z.string().nullish(),
});

const oauthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().nullish(),
});

/** Creates an OAuth client for one DocuSign account server. */
export function createDocusignOAuthClient(options: DocusignOAuthClientOptions): DocusignOAuthClient {
  const oauthBase = trimSlash(options.oauthBase);
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 15_000;

  /** Sends one request; never retried here (a code or refresh token must be spent once). */
  const send = async (url: string, init: RequestInit, secrets: readonly string[]) => {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'failed';
      throw new DocusignOAuthError({
        error: 'network_error',
        message: `DocuSign OAuth request to ${new URL(url).pathname} ${reason}`,
      });
    }
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const parsed = oauthErrorSchema.safeParse(body);
      throw new DocusignOAuthError({
        error: parsed.success
          ? parsed.data.error
          : response.status >= 500
            ? 'server_error'
            : 'invalid_response',
        description:
          parsed.success && parsed.data.error_description
            ? redact(parsed.data.error_description, secrets)
            : null,
        httpStatus: response.status,
      });
    }
    return { body, status: response.status };
  };

  const tokenRequest = async (
    form: Record<string, string>,
    auth: { clientId: string; clientSecret: string } | null,
    defaultLifetimeSeconds: number,
    fallbackScopes: readonly string[],
    secrets: readonly string[],
  ): Promise<DocusignTokenSet> => {
    const issuedAt = now();
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (auth) headers.authorization = `Basic ${base64Utf8(`${auth.clientId}:${auth.clientSecret}`)}`;
    const { body, status } = await send(
      `${oauthBase}/oauth/token`,
      { method: 'POST', headers, body: new URLSearchParams(form).toString() },
      secrets,
    );
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new DocusignOAuthError({
        error: 'invalid_response',
        message: `DocuSign token response is not a valid token (HTTP ${status})`,
        httpStatus: status,
      });
    }
    const token = parsed.data;
    const lifetime = token.expires_in == null ? defaultLifetimeSeconds : Number(token.expires_in);
    return {
      accessToken: token.access_token,
      refreshToken: token.refresh_token ?? null,
      expiresAt: issuedAt + lifetime * 1000,
      scopes: token.scope ? token.scope.split(/\s+/).filter(Boolean) : [...fallbackScopes],
    };
  };

  return {
    oauthBase,

    authorizationUrl: (params) => authorizationUrl({ ...params, oauthBase: params.oauthBase ?? oauthBase }),

    exchangeCode: (params) =>
      tokenRequest(
        {
          grant_type: 'authorization_code',
          code: params.code,
          code_verifier: params.codeVerifier,
          redirect_uri: params.redirectUri,
        },
        params,
        DEFAULT_TOKEN_LIFETIME_SECONDS.codeGrant,
        [],
        [params.code, params.codeVerifier, params.clientSecret],
      ),

    async refresh(params) {
      const token = await tokenRequest(
        { grant_type: 'refresh_token', refresh_token: params.refreshToken },
        params,
        DEFAULT_TOKEN_LIFETIME_SECONDS.codeGrant,
        [],
        [params.refreshToken, params.clientSecret],
      );
      // RFC 6749 §6: when no new refresh token is issued the old one stays valid.
      return { ...token, refreshToken: token.refreshToken ?? params.refreshToken };
    },

    async jwtGrant(params) {
      const base = trimSlash(params.oauthBase ?? oauthBase);
      const key = await importRsaPrivateKey(params.privateKeyPem);
      const assertion = await signJwtAssertion(key, {
        clientId: params.clientId,
        userId: params.userId,
        oauthBase: base,
        scopes: params.scopes,
        issuedAt: Math.floor(now() / 1000),
      });
      try {
        const token = await tokenRequest(
          { grant_type: JWT_BEARER_GRANT, assertion },
          null,
          DEFAULT_TOKEN_LIFETIME_SECONDS.jwtGrant,
          params.scopes,
          [assertion],
        );
        // A JWT-grant token is never refreshed with a refresh token, even if one were returned.
        return { ...token, refreshToken: null };
      } catch (err) {
        if (err instanceof DocusignOAuthError && err.error === 'consent_required') {
          throw new DocusignOAuthError({
            error: 'consent_required',
            description: err.description,
            httpStatus: err.httpStatus,
            consentUrl: consentUrl({
              oauthBase: base,
              clientId: params.clientId,
              scopes: withImpersonation(params.scopes),
              redirectUri: params.redirectUri,
            }),
          });
        }
        throw err;
      }
    },

    async userInfo(accessToken) {
      const { body, status } = await send(
        `${oauthBase}/oauth/userinfo`,
        { method: 'GET', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
        [accessToken],
      );
      const parsed = userInfoSchema.safeParse(body);
      if (!parsed.success) {
        throw new DocusignOAuthError({
          error: 'invalid_response',
          message: `DocuSign userinfo response is not valid (HTTP ${status})`,
          httpStatus: status,
        });
      }
      return parsed.data;
    },
  };
}

/** Consent for the JWT grant must include `impersonation`. */
function withImpersonation(scopes: readonly string[]): string[] {
  return scopes.includes('impersonation') ? [...scopes] : [...scopes, 'impersonation'];
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Removes any value we sent from text we echo into an error. */
function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out;
}
