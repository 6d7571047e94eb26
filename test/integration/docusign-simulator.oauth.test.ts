import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocusignSimulator, type DocusignSimulator } from '../../src/sandbox/docusign';
import { testKeyPair } from '../helpers/keys';

const REDIRECT = 'http://localhost:3000/oauth/callback';
let now = Date.parse('2026-06-01T12:00:00Z');
let sim: DocusignSimulator;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function token(
  form: Record<string, string>,
  auth?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = auth;
  const res = await sim.fetch(`${sim.origin}/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function authorize(extra: Record<string, string>, decision: 'allow' | 'deny'): Promise<URL> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: sim.defaults.clientId,
    redirect_uri: REDIRECT,
    scope: 'signature',
    state: 'st-1',
    ...extra,
  });
  const page = await sim.fetch(`${sim.origin}/oauth/auth?${query}`);
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(html).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
  expect(html).toContain('<label for="email">');
  const form = new URLSearchParams({ ...Object.fromEntries(query), email: sim.defaults.userEmail, decision });
  const res = await sim.fetch(`${sim.origin}/oauth/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function codeGrant(): Promise<Record<string, unknown>> {
  const redirect = await authorize({}, 'allow');
  const r = await token(
    { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT },
    basic(sim.defaults.clientId, sim.defaults.clientSecret),
  );
  expect(r.status).toBe(200);
  return r.body;
}

beforeEach(() => {
  now = Date.parse('2026-06-01T12:00:00Z');
  sim = createDocusignSimulator({
    now: () => now,
    scale: { users: 10, envelopes: 5, templates: 2, groups: 1 },
  });
});

describe('GET/POST /oauth/auth', () => {
  it('redirects with code and state on Allow, and access_denied on Deny', async () => {
    const allowed = await authorize({}, 'allow');
    expect(allowed.origin + allowed.pathname).toBe(REDIRECT);
    expect(allowed.searchParams.get('code')).toBeTruthy();
    expect(allowed.searchParams.get('state')).toBe('st-1');
    const denied = await authorize({}, 'deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('st-1');
    expect(denied.searchParams.get('code')).toBeNull();
  });

  it('does not redirect to an unregistered redirect_uri', async () => {
    const res = await sim.fetch(
      `${sim.origin}/oauth/auth?response_type=code&client_id=${sim.defaults.clientId}&redirect_uri=https://evil.example/cb`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('POST /oauth/token', () => {
  it('exchanges a code once for an 8 h access token and a refresh token', async () => {
    const redirect = await authorize({}, 'allow');
    const code = redirect.searchParams.get('code')!;
    const auth = basic(sim.defaults.clientId, sim.defaults.clientSecret);
    const first = await token({ grant_type: 'authorization_code', code }, auth);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 28800 });
    expect(first.body.refresh_token).toBeTypeOf('string');
    expect((await token({ grant_type: 'authorization_code', code }, auth)).body).toEqual({
      error: 'invalid_grant',
    });
  });

  it('rejects a wrong client secret', async () => {
    const redirect = await authorize({}, 'allow');
    const r = await token(
      { grant_type: 'authorization_code', code: redirect.searchParams.get('code')! },
      basic(sim.defaults.clientId, 'wrong'),
    );
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
  });

  it('rotates the refresh token and answers invalid_grant when a spent one is reused', async () => {
    const first = await codeGrant();
    const auth = basic(sim.defaults.clientId, sim.defaults.clientSecret);
    const second = await token(
      { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) },
      auth,
    );
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    const reuse = await token(
      { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) },
      auth,
    );
    expect(reuse).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const third = await token(
      { grant_type: 'refresh_token', refresh_token: String(second.body.refresh_token) },
      auth,
    );
    expect(third.status).toBe(200);
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(3);
    expect(sim.log.count({ grantType: 'refresh_token', status: 400 })).toBe(1);
  });

  it('answers invalid_grant and 401 after the tokens were revoked', async () => {
    const first = await codeGrant();
    sim.revokeTokens(sim.defaults.userId, sim.defaults.clientId);
    const r = await token(
      { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) },
      basic(sim.defaults.clientId, sim.defaults.clientSecret),
    );
    expect(r).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const api = await sim.fetch(`${sim.origin}/restapi/v2.1/accounts/${sim.defaults.accountIds[0]}/users`, {
      headers: { authorization: `Bearer ${first.access_token}` },
    });
    expect(api.status).toBe(401);
  });

  it('expires access tokens and refresh tokens by the clock', async () => {
    const first = await codeGrant();
    const account = sim.defaults.accountIds[0];
    const get = () =>
      sim.fetch(`${sim.origin}/restapi/v2.1/accounts/${account}/users?count=1`, {
        headers: { authorization: `Bearer ${first.access_token}` },
      });
    expect((await get()).status).toBe(200);
    now += 8 * 3600 * 1000;
    const expired = await get();
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      errorCode: 'USER_AUTHENTICATION_FAILED',
      message: 'The access token has expired.',
    });
    now += 30 * 86_400 * 1000;
    const r = await token(
      { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) },
      basic(sim.defaults.clientId, sim.defaults.clientSecret),
    );
    expect(r.body).toEqual({ error: 'invalid_grant' });
  });

  it('verifies PKCE S256', async () => {
    const verifier = 'a-very-long-code-verifier-with-enough-entropy-1234567890';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const auth = basic(sim.defaults.clientId, sim.defaults.clientSecret);
    const good = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' }, 'allow');
    const ok = await token(
      { grant_type: 'authorization_code', code: good.searchParams.get('code')!, code_verifier: verifier },
      auth,
    );
    expect(ok.status).toBe(200);
    const bad = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' }, 'allow');
    const wrong = await token(
      {
        grant_type: 'authorization_code',
        code: bad.searchParams.get('code')!,
        code_verifier: `${verifier}x`,
      },
      auth,
    );
    expect(wrong.body).toEqual({ error: 'invalid_grant' });
    const missing = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' }, 'allow');
    expect(
      (await token({ grant_type: 'authorization_code', code: missing.searchParams.get('code')! }, auth)).body,
    ).toEqual({
      error: 'invalid_grant',
    });
  });

  it('grants JWT bearer tokens for 1 h without a refresh token, after consent', async () => {
    const { publicKeyPem, privateKey } = await testKeyPair('simulator-client');
    const clientId = 'jwt-client';
    sim.registerClient({ clientId, redirectUris: [REDIRECT], publicKeyPem });
    const assertion = (aud = 'docusign.sim') =>
      new SignJWT({ scope: 'signature impersonation' })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(clientId)
        .setSubject(sim.defaults.userId)
        .setAudience(aud)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + 3600)
        .sign(privateKey);
    const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    const before = await token({ grant_type: grant, assertion: await assertion() });
    expect(before.body).toEqual({ error: 'consent_required' });
    // Consent through the code flow without `impersonation` does not enable JWT.
    const page = await sim.fetch(`${sim.origin}/oauth/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId,
        redirect_uri: REDIRECT,
        scope: 'signature',
        email: sim.defaults.userEmail,
        decision: 'allow',
      }),
      redirect: 'manual',
    });
    expect(page.status).toBe(302);
    expect((await token({ grant_type: grant, assertion: await assertion() })).body).toEqual({
      error: 'consent_required',
    });
    sim.grantConsent(sim.defaults.userId, clientId);
    const ok = await token({ grant_type: grant, assertion: await assertion() });
    expect(ok.status).toBe(200);
    expect(ok.body.expires_in).toBe(3600);
    expect(ok.body.refresh_token).toBeUndefined();
    expect(
      (await token({ grant_type: grant, assertion: await assertion('account-d.docusign.com') })).body.error,
    ).toBe('invalid_grant');
    const { privateKey: otherKey } = await testKeyPair('unregistered');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(clientId)
      .setSubject(sim.defaults.userId)
      .setAudience('docusign.sim')
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 3600)
      .sign(otherKey);
    expect((await token({ grant_type: grant, assertion: forged })).body.error).toBe('invalid_grant');
    now += 3600 * 1000;
    const res = await sim.fetch(`${sim.origin}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${ok.body.access_token}` },
    });
    expect(res.status).toBe(401);
  });
});

describe('GET /oauth/userinfo', () => {
  it('lists both accounts with base_uri and organization', async () => {
    const tokens = await codeGrant();
    const res = await sim.fetch(`${sim.origin}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const body = (await res.json()) as { sub: string; accounts: Record<string, unknown>[] };
    expect(body.sub).toBe(sim.defaults.userId);
    expect(body.accounts.map((a) => a.account_id)).toEqual(sim.defaults.accountIds);
    expect(body.accounts[0]).toMatchObject({ is_default: true, base_uri: sim.origin });
    expect(body.accounts[1]).toMatchObject({ is_default: false, base_uri: sim.origin });
    expect((body.accounts[0]!.organization as { organization_id: string }).organization_id).toBe(
      sim.defaults.organizationId,
    );
  });
});
