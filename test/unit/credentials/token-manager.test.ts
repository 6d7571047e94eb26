import { beforeEach, describe, expect, it } from 'vitest';
import { sealedAad } from '../../../src/credentials/aad';
import { createTokenManager, sealTokenSet, type TokenManager } from '../../../src/credentials/token-manager';
import type { TokenRow } from '../../../src/credentials/token-store';
import { createVault } from '../../../src/credentials/vault';
import { DocusignOAuthError } from '../../../src/docusign/errors';
import type { DocusignOAuthClient, DocusignTokenSet } from '../../../src/docusign/oauth';
import { MemoryTokenStore } from '../../helpers/memory-token-store';

const vault = createVault([{ kid: 'k1', key: new Uint8Array(32).fill(7) }]);
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 12);

/**
 * A fake DocuSign token endpoint with real refresh-token rotation: each refresh token works once, a
 * spent one gets `invalid_grant`. `gate` (when set) holds every call until released.
 */
class FakeAuthServer {
  valid = new Set<string>(['rt-0']);
  refreshCalls: string[] = [];
  jwtCalls = 0;
  issued = 0;
  failWith: Error | null = null;
  gate: Promise<void> | null = null;

  constructor(private readonly clock: { now: number }) {}

  client(): Pick<DocusignOAuthClient, 'refresh' | 'jwtGrant'> {
    return {
      refresh: async ({ refreshToken }) => {
        this.refreshCalls.push(refreshToken);
        if (this.gate) await this.gate;
        if (this.failWith) throw this.failWith;
        if (!this.valid.delete(refreshToken)) {
          throw new DocusignOAuthError({
            error: 'invalid_grant',
            description: 'expired_token',
            httpStatus: 400,
          });
        }
        this.issued++;
        const next = `rt-${this.issued}`;
        this.valid.add(next);
        return this.token(`at-${this.issued}`, next, 8 * HOUR);
      },
      jwtGrant: async ({ userId }) => {
        this.jwtCalls++;
        if (this.gate) await this.gate;
        if (this.failWith) throw this.failWith;
        this.issued++;
        return this.token(`jwt-at-${this.issued}-${userId}`, null, HOUR);
      },
    };
  }

  private token(accessToken: string, refreshToken: string | null, lifetime: number): DocusignTokenSet {
    return { accessToken, refreshToken, expiresAt: this.clock.now + lifetime, scopes: ['signature'] };
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function codeGrantRow(id: string, accessExpiresAt: number): Promise<TokenRow> {
  const sealed = await sealTokenSet(vault, id, {
    accessToken: 'at-0',
    refreshToken: 'rt-0',
    expiresAt: accessExpiresAt,
    scopes: ['signature'],
  });
  return {
    id,
    status: 'active',
    grantType: 'authorization_code',
    ...sealed,
    docusignUserId: null,
    refreshFailures: 0,
    refreshRetryAt: null,
    lastError: null,
  };
}

describe('token manager', () => {
  const clock = { now: T0 };
  let store: MemoryTokenStore;
  let server: FakeAuthServer;
  const manager = (): TokenManager =>
    createTokenManager({
      store,
      vault,
      oauth: server.client(),
      clientCredentials: () => ({ clientId: 'ik', clientSecret: 'secret', privateKeyPem: 'pem' }),
      now: () => clock.now,
      refreshMarginMs: 5 * 60_000,
      cooldownMs: 30_000,
    });

  beforeEach(() => {
    clock.now = T0;
    store = new MemoryTokenStore();
    server = new FakeAuthServer(clock);
  });

  it('returns the stored token while it is fresh, without refreshing', async () => {
    store.put(await codeGrantRow('ia_1', T0 + HOUR));
    expect(await manager().getAccessToken('ia_1')).toEqual({ accessToken: 'at-0', expiresAt: T0 + HOUR });
    expect(server.refreshCalls).toEqual([]);
  });

  it('refreshes proactively inside the margin and stores the rotated refresh token sealed', async () => {
    store.put(await codeGrantRow('ia_1', T0 + 4 * 60_000));
    const token = await manager().getAccessToken('ia_1');
    expect(token).toEqual({ accessToken: 'at-1', expiresAt: T0 + 8 * HOUR });
    const row = (await store.read('ia_1'))!;
    expect(await vault.open(row.refreshTokenSealed!, sealedAad('ia_1', 'refresh_token'))).toBe('rt-1');
    expect(await vault.open(row.accessTokenSealed!, sealedAad('ia_1', 'access_token'))).toBe('at-1');
    expect(row.expiresAt).toBe(T0 + 8 * HOUR);
    expect(row.refreshTokenSealed).not.toContain('rt-1');
  });

  it('shares one refresh between concurrent callers in a process', async () => {
    store.put(await codeGrantRow('ia_1', T0 - 1));
    const tm = manager();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => tm.getAccessToken('ia_1')));
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['at-1']));
    expect(server.refreshCalls).toEqual(['rt-0']);
  });

  it('spends the refresh token once across processes: the waiter re-reads instead of refreshing', async () => {
    store.put(await codeGrantRow('ia_1', T0 - 1));
    const gate = deferred();
    server.gate = gate.promise;
    const processA = manager();
    const processB = manager();
    const a = processA.getAccessToken('ia_1');
    const b = processB.getAccessToken('ia_1');
    await new Promise((r) => setTimeout(r, 10));
    gate.resolve();
    const [tokenA, tokenB] = await Promise.all([a, b]);
    expect(tokenA.accessToken).toBe('at-1');
    expect(tokenB.accessToken).toBe('at-1');
    expect(server.refreshCalls).toEqual(['rt-0']);
    expect((await store.read('ia_1'))!.status).toBe('active');
  });

  it('marks the account needs_reauth with an event on invalid_grant, then fails fast', async () => {
    store.put(await codeGrantRow('ia_1', T0 - 1));
    server.valid.clear();
    const tm = manager();
    const error = await tm.getAccessToken('ia_1').catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'needs_reauth', status: 409 });
    expect((error as Error).message).not.toContain('rt-0');
    const row = (await store.read('ia_1'))!;
    expect(row.status).toBe('needs_reauth');
    expect(row.lastError).toBe('invalid_grant: expired_token');
    expect(store.events).toEqual([
      {
        type: 'integrated_account.needs_reauth',
        integratedAccountId: 'ia_1',
        payload: { reason: 'invalid_grant', description: 'expired_token', consent_url: null },
      },
    ]);
    await expect(tm.getAccessToken('ia_1')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(server.refreshCalls).toHaveLength(1);
  });

  it('cools down after a failed refresh instead of hammering the token endpoint', async () => {
    store.put(await codeGrantRow('ia_1', T0 - 1));
    server.failWith = new DocusignOAuthError({ error: 'server_error', httpStatus: 503 });
    const tm = manager();
    await expect(tm.getAccessToken('ia_1')).rejects.toMatchObject({ error: 'server_error' });
    const row = (await store.read('ia_1'))!;
    expect(row).toMatchObject({ refreshFailures: 1, refreshRetryAt: T0 + 30_000, status: 'active' });

    const cooling = await tm.getAccessToken('ia_1').catch((err: unknown) => err);
    expect(cooling).toMatchObject({ code: 'upstream_unavailable', headers: { 'retry-after': '30' } });
    expect(server.refreshCalls).toHaveLength(1);

    clock.now = T0 + 31_000;
    await expect(tm.getAccessToken('ia_1')).rejects.toMatchObject({ error: 'server_error' });
    expect((await store.read('ia_1'))!).toMatchObject({
      refreshFailures: 2,
      refreshRetryAt: clock.now + 60_000,
    });

    clock.now += 61_000;
    server.failWith = null;
    expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-1');
    expect((await store.read('ia_1'))!).toMatchObject({
      refreshFailures: 0,
      refreshRetryAt: null,
      lastError: null,
    });
  });

  it('keeps serving a still-valid token when a proactive refresh fails', async () => {
    store.put(await codeGrantRow('ia_1', T0 + 60_000));
    server.failWith = new DocusignOAuthError({ error: 'network_error' });
    const tm = manager();
    expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-0');
    expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-0');
    expect(server.refreshCalls).toHaveLength(1);
  });

  it('after a 401 forces exactly one refresh and one retry', async () => {
    store.put(await codeGrantRow('ia_1', T0 + HOUR));
    const seen: string[] = [];
    const response = await manager().withAccessToken('ia_1', async (token) => {
      seen.push(token);
      return new Response(null, { status: 401 });
    });
    expect(response.status).toBe(401);
    expect(seen).toEqual(['at-0', 'at-1']);
    expect(server.refreshCalls).toEqual(['rt-0']);
  });

  it('returns the retried result when the refreshed token works', async () => {
    store.put(await codeGrantRow('ia_1', T0 + HOUR));
    const result = await manager().withAccessToken(
      'ia_1',
      async (token) => ({ status: token === 'at-0' ? 401 : 200 }),
      (r) => r.status === 401,
    );
    expect(result.status).toBe(200);
  });

  it('does not refresh again when the rejected token was already replaced by someone else', async () => {
    store.put(await codeGrantRow('ia_1', T0 + HOUR));
    const tm = manager();
    await tm.getAccessToken('ia_1', { force: true, rejectedToken: 'at-0' });
    const again = await tm.getAccessToken('ia_1', { force: true, rejectedToken: 'at-0' });
    expect(again.accessToken).toBe('at-1');
    expect(server.refreshCalls).toEqual(['rt-0']);
  });

  describe('JWT-grant connections', () => {
    const jwtRow = (expiresAt: number | null): TokenRow => ({
      id: 'ia_jwt',
      status: 'active',
      grantType: 'jwt',
      accessTokenSealed: null,
      refreshTokenSealed: null,
      expiresAt,
      scopes: ['signature', 'impersonation'],
      docusignUserId: 'user-9',
      refreshFailures: 0,
      refreshRetryAt: null,
      lastError: null,
    });

    it('signs a new assertion once under the lock, for callers in two processes', async () => {
      store.put(jwtRow(null));
      const gate = deferred();
      server.gate = gate.promise;
      const a = manager().getAccessToken('ia_jwt');
      const b = manager().getAccessToken('ia_jwt');
      await new Promise((r) => setTimeout(r, 10));
      gate.resolve();
      const tokens = await Promise.all([a, b]);
      expect(tokens.map((t) => t.accessToken)).toEqual(['jwt-at-1-user-9', 'jwt-at-1-user-9']);
      expect(server.jwtCalls).toBe(1);
      const row = (await store.read('ia_jwt'))!;
      expect(row.refreshTokenSealed).toBeNull();
      expect(row.expiresAt).toBe(T0 + HOUR);
    });

    it('records needs_reauth with the consent URL on consent_required', async () => {
      store.put(jwtRow(null));
      server.failWith = new DocusignOAuthError({
        error: 'consent_required',
        httpStatus: 400,
        consentUrl: 'https://account-d.docusign.com/oauth/auth?response_type=code',
      });
      const error = await manager()
        .getAccessToken('ia_jwt')
        .catch((err: unknown) => err);
      expect(error).toMatchObject({
        code: 'needs_reauth',
        details: { consent_url: 'https://account-d.docusign.com/oauth/auth?response_type=code' },
      });
      expect(store.events[0]).toMatchObject({
        type: 'integrated_account.needs_reauth',
        payload: { reason: 'consent_required' },
      });
    });
  });

  it('refuses accounts that are missing or not connected', async () => {
    await expect(manager().getAccessToken('nope')).rejects.toMatchObject({ code: 'not_found' });
    store.put({ ...(await codeGrantRow('ia_2', T0 + HOUR)), status: 'validation_error' });
    await expect(manager().getAccessToken('ia_2')).rejects.toMatchObject({ code: 'conflict' });
  });

  describe('reuse in the process (reuseMs)', () => {
    const reusing = (): TokenManager =>
      createTokenManager({
        store,
        vault,
        oauth: server.client(),
        clientCredentials: () => ({ clientId: 'ik', clientSecret: 'secret', privateKeyPem: 'pem' }),
        now: () => clock.now,
        refreshMarginMs: 5 * 60_000,
        reuseMs: 5_000,
      });

    it('reuses a token read from the store until reuseMs has passed, then reads the store again', async () => {
      store.put(await codeGrantRow('ia_1', T0 + HOUR));
      const tm = reusing();
      expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-0');
      // A change in the store (another process) is not seen while the token is reused...
      store.put({ ...(await codeGrantRow('ia_1', T0 + HOUR)), status: 'needs_reauth' });
      expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-0');
      // ...and is seen once reuseMs has passed.
      clock.now = T0 + 5_001;
      await expect(tm.getAccessToken('ia_1')).rejects.toMatchObject({ code: 'needs_reauth' });
    });

    it('does not reuse by default', async () => {
      store.put(await codeGrantRow('ia_1', T0 + HOUR));
      const tm = manager();
      await tm.getAccessToken('ia_1');
      store.put({ ...(await codeGrantRow('ia_1', T0 + HOUR)), status: 'needs_reauth' });
      await expect(tm.getAccessToken('ia_1')).rejects.toMatchObject({ code: 'needs_reauth' });
    });

    it('never reuses a token inside the refresh margin, and a forced refresh goes to the store', async () => {
      store.put(await codeGrantRow('ia_1', T0 + 6 * 60_000));
      const tm = reusing();
      expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-0');
      clock.now = T0 + 61_000 + 1; // the token is now inside the 5-minute margin
      expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-1');
      expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-1');
      expect(server.refreshCalls).toEqual(['rt-0']);
      const forced = await tm.getAccessToken('ia_1', { force: true, rejectedToken: 'at-1' });
      expect(forced.accessToken).toBe('at-2');
      expect((await tm.getAccessToken('ia_1')).accessToken).toBe('at-2');
    });
  });
});
