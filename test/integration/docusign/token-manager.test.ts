import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { sealedAad } from '../../../src/credentials/aad';
import { createTokenManager, sealTokenSet, type TokenManager } from '../../../src/credentials/token-manager';
import type { TokenRow } from '../../../src/credentials/token-store';
import { createVault } from '../../../src/credentials/vault';
import { createDocusignOAuthClient } from '../../../src/docusign/oauth';
import { createDocusignSimulator, type DocusignSimulator } from '../../../src/sandbox/docusign';
import { MemoryTokenStore } from '../../helpers/memory-token-store';

const ORIGIN = 'http://127.0.0.1:4010';
const HOUR = 3_600_000;
const vault = createVault([{ kid: 'k1', key: crypto.getRandomValues(new Uint8Array(32)) }]);
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

describe('token manager against the simulator', () => {
  const clock = { now: Date.UTC(2026, 10, 23, 12) };
  let sim: DocusignSimulator;
  let store: MemoryTokenStore;

  beforeEach(() => {
    clock.now = Date.UTC(2026, 10, 23, 12);
    sim = createDocusignSimulator({
      origin: ORIGIN,
      now: () => clock.now,
      scale: { users: 5, envelopes: 2, templates: 1, groups: 1 },
      defaultClientPublicKeyPem: keys.publicKey,
    });
    store = new MemoryTokenStore();
  });

  /** One gateway process: its own OAuth client and in-process single-flight, sharing `store` with the others. */
  const gatewayProcess = (): TokenManager =>
    createTokenManager({
      store,
      vault,
      oauth: createDocusignOAuthClient({ oauthBase: ORIGIN, fetch: sim.fetch, now: () => clock.now }),
      clientCredentials: () => ({
        clientId: sim.defaults.clientId,
        clientSecret: sim.defaults.clientSecret,
        privateKeyPem: keys.privateKey,
      }),
      now: () => clock.now,
    });

  async function connectWithCodeGrant(id: string): Promise<void> {
    const issued = sim.issueTokens();
    const sealed = await sealTokenSet(vault, id, {
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token!,
      expiresAt: clock.now + issued.expires_in * 1000,
      scopes: issued.scope.split(' '),
    });
    const row: TokenRow = {
      id,
      status: 'active',
      grantType: 'authorization_code',
      ...sealed,
      docusignUserId: null,
      refreshFailures: 0,
      refreshRetryAt: null,
      lastError: null,
    };
    store.put(row);
  }

  const userInfo = (token: string) =>
    sim.fetch(`${ORIGIN}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });

  it('refreshes an expiring token once for many callers in two processes', async () => {
    await connectWithCodeGrant('ia_1');
    clock.now += 8 * HOUR - 60_000;
    const a = gatewayProcess();
    const b = gatewayProcess();
    const tokens = await Promise.all(
      [...Array(5)].flatMap(() => [a.getAccessToken('ia_1'), b.getAccessToken('ia_1')]),
    );
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
    expect(sim.log.count({ grantType: 'refresh_token', status: 400 })).toBe(0);
    expect((await userInfo(tokens[0]!.accessToken)).status).toBe(200);
  });

  it('after a 401 refreshes once and retries once', async () => {
    await connectWithCodeGrant('ia_1');
    const tm = gatewayProcess();
    const stale = await tm.getAccessToken('ia_1');
    // DocuSign forgets the token early (e.g. revoked): the stored expiry still says it is valid.
    clock.now += 8 * HOUR + 1;
    const row = (await store.read('ia_1'))!;
    store.put({ ...row, expiresAt: clock.now + HOUR });
    const response = await tm.withAccessToken('ia_1', (token) => userInfo(token));
    expect(response.status).toBe(200);
    expect(sim.log.count({ path: '/oauth/userinfo' })).toBe(2);
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
    expect((await tm.getAccessToken('ia_1')).accessToken).not.toBe(stale.accessToken);
  });

  it('marks needs_reauth when the refresh token was already spent elsewhere', async () => {
    await connectWithCodeGrant('ia_1');
    const row = (await store.read('ia_1'))!;
    // Someone spent the refresh token outside the gateway.
    const spent = await vault.open(row.refreshTokenSealed!, sealedAad('ia_1', 'refresh_token'));
    const oauth = createDocusignOAuthClient({ oauthBase: ORIGIN, fetch: sim.fetch, now: () => clock.now });
    await oauth.refresh({
      refreshToken: spent,
      clientId: sim.defaults.clientId,
      clientSecret: sim.defaults.clientSecret,
    });
    clock.now += 8 * HOUR;
    await expect(gatewayProcess().getAccessToken('ia_1')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect((await store.read('ia_1'))!.status).toBe('needs_reauth');
    expect(store.events.map((e) => e.type)).toEqual(['integrated_account.needs_reauth']);
  });

  it('gets JWT-grant tokens by signing a new assertion when the old one expires', async () => {
    sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
    store.put({
      id: 'ia_jwt',
      status: 'active',
      grantType: 'jwt',
      accessTokenSealed: null,
      refreshTokenSealed: null,
      expiresAt: null,
      scopes: ['signature', 'impersonation'],
      docusignUserId: sim.defaults.userId,
      refreshFailures: 0,
      refreshRetryAt: null,
      lastError: null,
    });
    const tm = gatewayProcess();
    const first = await tm.getAccessToken('ia_jwt');
    expect(first.expiresAt).toBe(clock.now + HOUR);
    expect((await tm.getAccessToken('ia_jwt')).accessToken).toBe(first.accessToken);
    clock.now += HOUR - 60_000;
    const second = await tm.getAccessToken('ia_jwt');
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(sim.log.count({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' })).toBe(2);
    expect((await userInfo(second.accessToken)).status).toBe(200);
  });
});
