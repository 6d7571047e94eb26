import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { selectAccounts } from '../../../src/docusign/accounts';
import { DocusignOAuthError } from '../../../src/docusign/errors';
import { docusignHosts } from '../../../src/docusign/hosts';
import { createLinkStateSigner, LINK_STATE_AUDIENCE } from '../../../src/docusign/link-state';
import { createDocusignOAuthClient, type DocusignOAuthClient } from '../../../src/docusign/oauth';
import { createPkcePair } from '../../../src/docusign/pkce';
import { createDocusignSimulator, type DocusignSimulator } from '../../../src/sandbox/docusign';

const ORIGIN = 'http://127.0.0.1:4010';
const REDIRECT_URI = 'http://localhost:3000/oauth/callback';
const HOUR = 3_600_000;

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});

describe('DocuSign OAuth client against the simulator', () => {
  const clock = { now: Date.UTC(2026, 10, 23, 12) };
  let sim: DocusignSimulator;
  let oauth: DocusignOAuthClient;

  beforeEach(() => {
    clock.now = Date.UTC(2026, 10, 23, 12);
    sim = createDocusignSimulator({
      origin: ORIGIN,
      now: () => clock.now,
      scale: { users: 5, envelopes: 2, templates: 1, groups: 1 },
      defaultClientPublicKeyPem: keys.publicKey,
    });
    const hosts = docusignHosts({ oauthBase: ORIGIN, adminBase: `${ORIGIN}/management` });
    oauth = createDocusignOAuthClient({ oauthBase: hosts.oauthBase, fetch: sim.fetch, now: () => clock.now });
  });

  /** Opens the authorization URL and clicks "Allow" on the simulator's consent page; returns the redirect. */
  async function authorize(url: string): Promise<URL> {
    const page = await sim.fetch(url);
    expect(page.status).toBe(200);
    const params = new URL(url).searchParams;
    const form = new URLSearchParams(params);
    form.set('email', sim.defaults.userEmail);
    form.set('decision', 'allow');
    const response = await sim.fetch(`${ORIGIN}/oauth/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location')!);
  }

  async function codeGrant() {
    const pkce = await createPkcePair();
    const redirect = await authorize(
      oauth.authorizationUrl({
        clientId: sim.defaults.clientId,
        redirectUri: REDIRECT_URI,
        scopes: ['signature'],
        state: 'state-1',
        codeChallenge: pkce.codeChallenge,
      }),
    );
    return { pkce, code: redirect.searchParams.get('code')!, state: redirect.searchParams.get('state') };
  }

  const credentials = () => ({ clientId: sim.defaults.clientId, clientSecret: sim.defaults.clientSecret });

  it('runs the code grant with PKCE and a signed state end to end', async () => {
    const signer = createLinkStateSigner({
      secret: 'integration-test-secret-of-32-bytes!!',
      now: () => clock.now,
    });
    const state = await signer.sign(
      { link_token_id: 'lt_1' },
      { audience: LINK_STATE_AUDIENCE.oauthState, ttlSeconds: 600 },
    );
    const pkce = await createPkcePair();
    const redirect = await authorize(
      oauth.authorizationUrl({
        clientId: sim.defaults.clientId,
        redirectUri: REDIRECT_URI,
        scopes: ['signature'],
        state: state.token,
        codeChallenge: pkce.codeChallenge,
      }),
    );
    const returned = await signer.verify<{ link_token_id: string }>(redirect.searchParams.get('state')!, {
      audience: LINK_STATE_AUDIENCE.oauthState,
    });
    expect(returned.claims.link_token_id).toBe('lt_1');

    const token = await oauth.exchangeCode({
      code: redirect.searchParams.get('code')!,
      codeVerifier: pkce.codeVerifier,
      redirectUri: REDIRECT_URI,
      ...credentials(),
    });
    expect(token.accessToken).toEqual(expect.any(String));
    expect(token.refreshToken).toEqual(expect.any(String));
    expect(token.expiresAt).toBe(clock.now + 8 * HOUR);
    expect(token.scopes).toEqual(['signature']);
  });

  it('rejects a code exchange with the wrong PKCE verifier', async () => {
    const { code } = await codeGrant();
    const other = await createPkcePair();
    await expect(
      oauth.exchangeCode({
        code,
        codeVerifier: other.codeVerifier,
        redirectUri: REDIRECT_URI,
        ...credentials(),
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant', httpStatus: 400, code: 'needs_reauth' });
  });

  it('rejects a code used twice', async () => {
    const { code, pkce } = await codeGrant();
    const exchange = () =>
      oauth.exchangeCode({
        code,
        codeVerifier: pkce.codeVerifier,
        redirectUri: REDIRECT_URI,
        ...credentials(),
      });
    await expect(exchange()).resolves.toMatchObject({ accessToken: expect.any(String) });
    await expect(exchange()).rejects.toMatchObject({ error: 'invalid_grant', httpStatus: 400 });
  });

  it('reports a wrong client secret as invalid_client', async () => {
    const { code, pkce } = await codeGrant();
    const error = await oauth
      .exchangeCode({
        code,
        codeVerifier: pkce.codeVerifier,
        redirectUri: REDIRECT_URI,
        clientId: sim.defaults.clientId,
        clientSecret: 'wrong-secret-value',
      })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ error: 'invalid_client', httpStatus: 401 });
    expect((error as Error).message).not.toContain('wrong-secret-value');
  });

  it('rotates refresh tokens: the new one works, reusing the old one is invalid_grant', async () => {
    const { code, pkce } = await codeGrant();
    const first = await oauth.exchangeCode({
      code,
      codeVerifier: pkce.codeVerifier,
      redirectUri: REDIRECT_URI,
      ...credentials(),
    });
    clock.now += HOUR;
    const second = await oauth.refresh({ refreshToken: first.refreshToken!, ...credentials() });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.expiresAt).toBe(clock.now + 8 * HOUR);

    const reuse = await oauth
      .refresh({ refreshToken: first.refreshToken!, ...credentials() })
      .catch((err: unknown) => err);
    expect(reuse).toBeInstanceOf(DocusignOAuthError);
    expect(reuse).toMatchObject({ error: 'invalid_grant', code: 'needs_reauth' });
    expect((reuse as Error).message).not.toContain(first.refreshToken!);

    const third = await oauth.refresh({ refreshToken: second.refreshToken!, ...credentials() });
    expect(third.accessToken).toEqual(expect.any(String));
  });

  it('returns consent_required with a consent URL before consent, and a 1 h token without refresh token after', async () => {
    const params = {
      clientId: sim.defaults.clientId,
      userId: sim.defaults.userId,
      privateKeyPem: keys.privateKey,
      scopes: ['signature', 'impersonation'],
      redirectUri: REDIRECT_URI,
    };
    const error = (await oauth.jwtGrant(params).catch((err: unknown) => err)) as DocusignOAuthError;
    expect(error).toBeInstanceOf(DocusignOAuthError);
    expect(error.error).toBe('consent_required');
    const consent = new URL(error.consentUrl!);
    expect(`${consent.origin}${consent.pathname}`).toBe(`${ORIGIN}/oauth/auth`);
    expect(consent.searchParams.get('client_id')).toBe(sim.defaults.clientId);
    expect(consent.searchParams.get('scope')).toBe('signature impersonation');
    expect(consent.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);

    // The user opens the consent URL and allows; the JWT grant then works.
    const afterConsent = await authorize(error.consentUrl!);
    expect(afterConsent.searchParams.get('code')).toBeTruthy();
    const token = await oauth.jwtGrant(params);
    expect(token.refreshToken).toBeNull();
    expect(token.expiresAt).toBe(clock.now + HOUR);
    expect(token.scopes).toEqual(['signature', 'impersonation']);

    const info = await oauth.userInfo(token.accessToken);
    expect(info.sub).toBe(sim.defaults.userId);
  });

  it('rejects a JWT assertion signed with a key the integration does not know', async () => {
    sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
    const stranger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await expect(
      oauth.jwtGrant({
        clientId: sim.defaults.clientId,
        userId: sim.defaults.userId,
        privateKeyPem: stranger.privateKey,
        scopes: ['signature', 'impersonation'],
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant', httpStatus: 400 });
  });

  it('reads userinfo with two accounts and selects them', async () => {
    const { code, pkce } = await codeGrant();
    const token = await oauth.exchangeCode({
      code,
      codeVerifier: pkce.codeVerifier,
      redirectUri: REDIRECT_URI,
      ...credentials(),
    });
    const info = await oauth.userInfo(token.accessToken);
    expect(info.email).toBe(sim.defaults.userEmail);
    const all = selectAccounts(info, 'all');
    expect(all.map((a) => a.accountId).sort()).toEqual([...sim.defaults.accountIds].sort());
    expect(all[0]!.isDefault).toBe(true);
    expect(all.every((a) => a.baseUri === ORIGIN)).toBe(true);
    expect(all.every((a) => a.organizationId === sim.defaults.organizationId)).toBe(true);
    const [second] = selectAccounts(info, { accountId: sim.defaults.accountIds[1]! });
    expect(second!.accountId).toBe(sim.defaults.accountIds[1]);
    expect(() => selectAccounts(info, { accountId: 'not-an-account' })).toThrow(
      /not among the user's accounts/,
    );
  });

  it('reports an expired access token on userinfo as a typed 401', async () => {
    const issued = sim.issueTokens();
    clock.now += 9 * HOUR;
    await expect(oauth.userInfo(issued.access_token)).rejects.toMatchObject({ httpStatus: 401 });
  });
});
