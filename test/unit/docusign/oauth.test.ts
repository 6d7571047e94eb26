import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DocusignOAuthError } from '../../../src/docusign/errors';
import {
  authorizationUrl,
  createDocusignOAuthClient,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
} from '../../../src/docusign/oauth';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: URLSearchParams;
}

/** A fetch that records requests and answers with a fixed status and JSON body. */
function fakeFetch(status: number, body: unknown) {
  const seen: Seen[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: new URLSearchParams(typeof init?.body === 'string' ? init.body : ''),
    });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetchImpl, seen };
}

function client(fetchImpl: typeof fetch) {
  return createDocusignOAuthClient({
    oauthBase: 'https://account-d.docusign.com/',
    fetch: fetchImpl,
    now: () => NOW,
  });
}

describe('authorizationUrl', () => {
  it('builds /oauth/auth with code response, scopes, state and an S256 challenge', () => {
    const url = new URL(
      authorizationUrl({
        oauthBase: 'https://account-d.docusign.com',
        clientId: 'ik-1',
        redirectUri: 'https://gw.example/oauth/callback',
        scopes: ['signature', 'extended'],
        state: 'st',
        codeChallenge: 'ch',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://account-d.docusign.com/oauth/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      scope: 'signature extended',
      client_id: 'ik-1',
      redirect_uri: 'https://gw.example/oauth/callback',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });
});

describe('exchangeCode', () => {
  it('posts the code grant with Basic auth and PKCE verifier, and normalises the tokens', async () => {
    const { fetchImpl, seen } = fakeFetch(200, {
      access_token: 'at-1',
      token_type: 'Bearer',
      refresh_token: 'rt-1',
      expires_in: 28800,
      scope: 'signature extended',
    });
    const token = await client(fetchImpl).exchangeCode({
      code: 'code-1',
      codeVerifier: 'verifier-1',
      redirectUri: 'https://gw.example/cb',
      clientId: 'ik-1',
      clientSecret: 'secret-1',
    });
    expect(token).toEqual({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      expiresAt: NOW + 28_800_000,
      scopes: ['signature', 'extended'],
    });
    expect(seen[0]!.url).toBe('https://account-d.docusign.com/oauth/token');
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.get('authorization')).toBe(`Basic ${btoa('ik-1:secret-1')}`);
    expect(seen[0]!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(seen[0]!.body)).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      code_verifier: 'verifier-1',
      redirect_uri: 'https://gw.example/cb',
    });
  });

  it('assumes an 8 h lifetime when expires_in is missing, so the token still expires', async () => {
    const { fetchImpl } = fakeFetch(200, { access_token: 'at', refresh_token: 'rt' });
    const token = await client(fetchImpl).exchangeCode({
      code: 'c',
      codeVerifier: 'v',
      redirectUri: 'r',
      clientId: 'i',
      clientSecret: 's',
    });
    expect(token.expiresAt).toBe(NOW + DEFAULT_TOKEN_LIFETIME_SECONDS.codeGrant * 1000);
    expect(token.scopes).toEqual([]);
  });

  it('accepts expires_in as a numeric string', async () => {
    const { fetchImpl } = fakeFetch(200, { access_token: 'at', expires_in: '60' });
    const token = await client(fetchImpl).exchangeCode({
      code: 'c',
      codeVerifier: 'v',
      redirectUri: 'r',
      clientId: 'i',
      clientSecret: 's',
    });
    expect(token.expiresAt).toBe(NOW + 60_000);
    expect(token.refreshToken).toBeNull();
  });
});

describe('refresh', () => {
  it('spends the refresh token and returns the rotated one', async () => {
    const { fetchImpl, seen } = fakeFetch(200, {
      access_token: 'at-2',
      refresh_token: 'rt-2',
      expires_in: 3600,
    });
    const token = await client(fetchImpl).refresh({
      refreshToken: 'rt-1',
      clientId: 'ik',
      clientSecret: 'sec',
    });
    expect(token).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2', expiresAt: NOW + 3_600_000 });
    expect(Object.fromEntries(seen[0]!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    expect(seen[0]!.headers.get('authorization')).toBe(`Basic ${btoa('ik:sec')}`);
  });

  it('keeps the old refresh token when the server issues none (RFC 6749 §6)', async () => {
    const { fetchImpl } = fakeFetch(200, { access_token: 'at-2' });
    const token = await client(fetchImpl).refresh({
      refreshToken: 'rt-1',
      clientId: 'ik',
      clientSecret: 'sec',
    });
    expect(token.refreshToken).toBe('rt-1');
  });

  it('turns invalid_grant into a typed needs_reauth error without the token in the message', async () => {
    const { fetchImpl } = fakeFetch(400, {
      error: 'invalid_grant',
      error_description: 'refresh token rt-secret-123456 expired',
    });
    const error = await client(fetchImpl)
      .refresh({ refreshToken: 'rt-secret-123456', clientId: 'ik', clientSecret: 'sec' })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DocusignOAuthError);
    expect(error).toMatchObject({
      error: 'invalid_grant',
      httpStatus: 400,
      code: 'needs_reauth',
      status: 409,
    });
    expect((error as DocusignOAuthError).description).toBe('refresh token [redacted] expired');
    expect((error as Error).message).not.toContain('rt-secret-123456');
  });

  it('maps invalid_client, 5xx without JSON, and network failures', async () => {
    const invalidClient = await client(fakeFetch(401, { error: 'invalid_client' }).fetchImpl)
      .refresh({ refreshToken: 'r', clientId: 'i', clientSecret: 'super-secret-value' })
      .catch((err: unknown) => err);
    expect(invalidClient).toMatchObject({ error: 'invalid_client', httpStatus: 401, code: 'upstream_error' });
    expect((invalidClient as Error).message).not.toContain('super-secret-value');

    const serverError = await client(fakeFetch(503, '<html>down</html>').fetchImpl)
      .refresh({ refreshToken: 'r', clientId: 'i', clientSecret: 's' })
      .catch((err: unknown) => err);
    expect(serverError).toMatchObject({
      error: 'server_error',
      httpStatus: 503,
      code: 'upstream_unavailable',
    });

    const offline = createDocusignOAuthClient({
      oauthBase: 'https://account-d.docusign.com',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(
      offline.refresh({ refreshToken: 'r', clientId: 'i', clientSecret: 's' }),
    ).rejects.toMatchObject({
      error: 'network_error',
      httpStatus: null,
      code: 'upstream_unavailable',
    });
  });

  it('rejects a 200 response that is not a token', async () => {
    await expect(
      client(fakeFetch(200, { token: 'x' }).fetchImpl).refresh({
        refreshToken: 'r',
        clientId: 'i',
        clientSecret: 's',
      }),
    ).rejects.toMatchObject({ error: 'invalid_response', httpStatus: 200 });
  });
});

describe('jwtGrant', () => {
  it('posts a signed assertion without Basic auth and gets a 1 h token with no refresh token', async () => {
    const { fetchImpl, seen } = fakeFetch(200, {
      access_token: 'at-j',
      token_type: 'Bearer',
      refresh_token: 'ignored',
    });
    const token = await client(fetchImpl).jwtGrant({
      clientId: 'ik-1',
      userId: 'user-1',
      privateKeyPem: privateKey,
      scopes: ['signature', 'impersonation'],
    });
    expect(token).toEqual({
      accessToken: 'at-j',
      refreshToken: null,
      expiresAt: NOW + DEFAULT_TOKEN_LIFETIME_SECONDS.jwtGrant * 1000,
      scopes: ['signature', 'impersonation'],
    });
    expect(seen[0]!.headers.get('authorization')).toBeNull();
    expect(seen[0]!.body.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const claims = decodeJwt(seen[0]!.body.get('assertion')!);
    expect(claims).toMatchObject({
      iss: 'ik-1',
      sub: 'user-1',
      aud: 'account-d.docusign.com',
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
      scope: 'signature impersonation',
    });
  });

  it('fails on a bad PEM before any network call', async () => {
    const { fetchImpl, seen } = fakeFetch(200, { access_token: 'x' });
    await expect(
      client(fetchImpl).jwtGrant({
        clientId: 'i',
        userId: 'u',
        privateKeyPem: 'nope',
        scopes: ['signature'],
      }),
    ).rejects.toMatchObject({ error: 'invalid_private_key' });
    expect(seen).toHaveLength(0);
  });

  it('carries the consent URL on consent_required', async () => {
    const { fetchImpl } = fakeFetch(400, { error: 'consent_required' });
    const error = (await client(fetchImpl)
      .jwtGrant({
        clientId: 'ik-1',
        userId: 'u',
        privateKeyPem: privateKey,
        scopes: ['signature'],
        redirectUri: 'https://gw.example/cb',
      })
      .catch((err: unknown) => err)) as DocusignOAuthError;
    expect(error).toBeInstanceOf(DocusignOAuthError);
    expect(error.error).toBe('consent_required');
    expect(error.code).toBe('needs_reauth');
    const url = new URL(error.consentUrl!);
    expect(url.origin + url.pathname).toBe('https://account-d.docusign.com/oauth/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      scope: 'signature impersonation',
      client_id: 'ik-1',
      redirect_uri: 'https://gw.example/cb',
    });
    expect(error.details).toMatchObject({ consent_url: error.consentUrl });
  });
});

describe('userInfo', () => {
  it('sends the bearer token and parses accounts', async () => {
    const { fetchImpl, seen } = fakeFetch(200, {
      sub: 'user-1',
      email: 'a@example.com',
      accounts: [
        { account_id: 'acc-1', is_default: 'true', account_name: 'A', base_uri: 'https://demo.docusign.net' },
      ],
    });
    const info = await client(fetchImpl).userInfo('at-1');
    expect(seen[0]!.url).toBe('https://account-d.docusign.com/oauth/userinfo');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer at-1');
    expect(info.sub).toBe('user-1');
    expect(info.accounts[0]).toMatchObject({ account_id: 'acc-1', base_uri: 'https://demo.docusign.net' });
  });

  it('reports a rejected token as a typed error', async () => {
    const { fetchImpl } = fakeFetch(401, { error: 'invalid_token' });
    await expect(client(fetchImpl).userInfo('at-bad-token')).rejects.toMatchObject({
      error: 'invalid_token',
      httpStatus: 401,
    });
  });
});
