import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, ensureEnvironment } from '../../../src/api-keys/api-keys';
import { esignatureBase } from '../../../src/docusign/accounts';
import type { DocusignSimulator } from '../../../src/sandbox/docusign';
import { createFakeClock } from '../../helpers/clock';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';
import {
  createConnectSimulator,
  type EsignatureRejections,
  rejectingEsignature,
  simulatorDocusignConfig,
} from '../../helpers/docusign-connect';
import { type IntegratedAccount, json } from '../../helpers/http';
import { jwtConnectBody } from '../../helpers/jwt-connect';
import { testKeyPair } from '../../helpers/keys';

const GATEWAY = 'http://gateway.test';

let clock: ReturnType<typeof createFakeClock>;
let sim: DocusignSimulator;
let t: TestApp;
let privateKeyPem: string;
/** eSignature calls still to be answered with 401 (as DocuSign does for a revoked token). */
let rejections: EsignatureRejections;

beforeAll(async () => {
  clock = createFakeClock();
  const keys = await testKeyPair();
  privateKeyPem = keys.privateKeyPem;
  sim = createConnectSimulator({ gatewayUrl: GATEWAY, now: clock.now, publicKeyPem: keys.publicKeyPem });
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  const upstream = rejectingEsignature(sim.fetch);
  rejections = upstream.rejections;
  t = await createTestApp({
    now: clock.now,
    fetch: upstream.fetch,
    docusign: simulatorDocusignConfig(sim),
    config: { publicUrl: GATEWAY },
  });
});

beforeEach(() => {
  sim.log.clear();
});

afterAll(async () => {
  await t.close();
});

function post(path: string, body: unknown) {
  return t.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const jwtBody = (overrides: Parameters<typeof jwtConnectBody>[2] = {}) =>
  jwtConnectBody(sim, privateKeyPem, overrides);

async function expectInvalid(res: Response, message: RegExp | string) {
  expect(res.status).toBe(400);
  const body = await json(res);
  expect(body.error.code).toBe('invalid_request');
  expect(body.error.status).toBe(400);
  if (typeof message === 'string') expect(body.error.message).toContain(message);
  else expect(body.error.message).toMatch(message);
  return body.error;
}

describe('POST /integrated-accounts (JWT grant)', () => {
  it('connects the default account with read permission', async () => {
    const res = await post('/integrated-accounts', jwtBody({ metadata: { team: 'sales' } }));
    expect(res.status).toBe(201);
    const account = await json(res);
    expect(account).toMatchObject({
      status: 'active',
      auth_type: 'jwt',
      permission: 'read',
      docusign_environment: 'sandbox',
      scope: { account_id: sim.defaults.accountIds[0] },
      organization_id: sim.defaults.organizationId,
      metadata: { team: 'sales' },
    });
    expect(account.granted_scopes).toEqual(expect.arrayContaining(['signature', 'impersonation']));
    expect(sim.log.count({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', status: 200 })).toBe(1);
  });

  it('connects all accounts with read_write', async () => {
    const res = await post('/integrated-accounts', jwtBody({ all_accounts: true, permission: 'read_write' }));
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      status: 'active',
      permission: 'read_write',
      scope: { all_accounts: true },
    });
  });

  it('answers a 401 with one fresh assertion and one retry', async () => {
    const account = await json(await post('/integrated-accounts', jwtBody()));
    sim.log.clear();
    rejections.next = 1;
    const res = await t.app.services.upstream.request({
      integratedAccountId: account.id,
      method: 'GET',
      url: esignatureBase({ baseUri: sim.origin, accountId: sim.defaults.accountIds[0]! }),
    });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    expect(sim.log.count({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' })).toBe(1);
    expect(sim.log.count({ api: 'esignature', status: 200 })).toBe(1);
    expect(rejections.next).toBe(0);
  });

  it('rejects missing fields with 400 naming each of them', async () => {
    const error = await expectInvalid(
      await post('/integrated-accounts', { auth_type: 'jwt' }),
      'Invalid json',
    );
    expect(error.message).toContain('integration_key');
    expect(error.message).toContain('user_id');
    expect(error.message).toContain('private_key');
    expect(error.details.map((issue: { path: string[] }) => issue.path[0])).toEqual(
      expect.arrayContaining(['integration_key', 'user_id', 'private_key']),
    );
  });

  it('rejects both account_id and all_accounts', async () => {
    await expectInvalid(
      await post(
        '/integrated-accounts',
        jwtBody({ account_id: sim.defaults.accountIds[0], all_accounts: true }),
      ),
      'Choose either account_id or all_accounts, not both',
    );
  });

  it('rejects a bad PEM before calling DocuSign, without echoing the key', async () => {
    const notAKey = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----';
    const error = await expectInvalid(
      await post('/integrated-accounts', jwtBody({ private_key: notAKey })),
      /private key/,
    );
    expect(JSON.stringify(error)).not.toContain('bm90IGEga2V5IGF0IGFsbA');
    await expectInvalid(
      await post('/integrated-accounts', jwtBody({ private_key: 'hello' })),
      'private key is not a PEM block',
    );
    expect(sim.log.count({ api: 'oauth' })).toBe(0);
  });

  it('rejects an unknown docusign_environment, naming the known ones', async () => {
    const error = await expectInvalid(
      await post('/integrated-accounts', jwtBody({ docusign_environment: 'staging' })),
      'Unknown docusign_environment "staging"; this gateway knows: sandbox',
    );
    expect(error.details).toMatchObject({ param: 'docusign_environment' });
  });

  it('turns consent_required into a 400 whose details.consent_url is the consent URL', async () => {
    const otherUser = [...sim.state.users.keys()].find((id) => id !== sim.defaults.userId)!;
    const error = await expectInvalid(
      await post('/integrated-accounts', jwtBody({ user_id: otherUser })),
      'has not consented',
    );
    expect(error.details.oauth_error).toBe('consent_required');
    const consent = new URL(error.details.consent_url);
    expect(`${consent.origin}${consent.pathname}`).toBe(`${sim.origin}/oauth/auth`);
    expect(consent.searchParams.get('response_type')).toBe('code');
    expect(consent.searchParams.get('client_id')).toBe(sim.defaults.clientId);
    expect(consent.searchParams.get('redirect_uri')).toBe(`${GATEWAY}/oauth/callback`);
    expect(consent.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['signature', 'impersonation']),
    );
    // The URL really is the simulator's consent page for this app.
    const page = await sim.fetch(consent.toString());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Allow access to your DocuSign account?');
  });

  it('records validation_error with the reason when the account is not the user’s', async () => {
    const unknown = '00000000-0000-4000-8000-0000000000aa';
    const res = await post('/integrated-accounts', jwtBody({ account_id: unknown }));
    expect(res.status).toBe(201);
    const account = await json(res);
    expect(account).toMatchObject({ status: 'validation_error', scope: { account_id: unknown } });
    expect(account.last_error).toContain(`DocuSign account ${unknown} is not among the user's accounts`);
    // Such a connection cannot call DocuSign.
    const failure = await t.app.services.upstream
      .request({
        integratedAccountId: account.id,
        method: 'GET',
        url: esignatureBase({ baseUri: sim.origin, accountId: unknown }),
      })
      .catch((error: { code?: string }) => error);
    expect((failure as { code?: string }).code).toBe('conflict');
  });

  it('rejects an integration key DocuSign does not know', async () => {
    await expectInvalid(
      await post(
        '/integrated-accounts',
        jwtBody({ integration_key: '11111111-2222-4333-8444-555555555555' }),
      ),
      'DocuSign refused the JWT grant',
    );
  });
});

describe('POST /link-tokens', () => {
  it('rejects a return_url that is not http(s) and an unknown docusign_environment', async () => {
    await expectInvalid(await post('/link-tokens', { return_url: 'javascript:alert(1)' }), 'return_url');
    await expectInvalid(
      await post('/link-tokens', { docusign_environment: 'nowhere' }),
      'Unknown docusign_environment "nowhere"',
    );
    await expectInvalid(await post('/link-tokens', { expires_in_seconds: 5 }), 'expires_in_seconds');
  });
});

describe('GET/PATCH/DELETE /integrated-accounts/{id}', () => {
  it('changes permission and scope, refuses both scopes or a foreign account, deletes', async () => {
    const created = await json(
      await post('/integrated-accounts', jwtBody({ all_accounts: true, permission: 'read_write' })),
    );
    const patch = (body: unknown) =>
      t.request(`/integrated-accounts/${created.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const narrowed = await patch({ account_id: sim.defaults.accountIds[1], permission: 'read' });
    expect(narrowed.status).toBe(200);
    expect(await json(narrowed)).toMatchObject({
      permission: 'read',
      scope: { account_id: sim.defaults.accountIds[1] },
    });
    await expectInvalid(
      await patch({ account_id: sim.defaults.accountIds[0], all_accounts: true }),
      'Choose either account_id or all_accounts, not both',
    );
    await expectInvalid(
      await patch({ account_id: 'not-an-account' }),
      "is not among this connection's accounts",
    );
    expect(await json(await patch({ all_accounts: true }))).toMatchObject({ scope: { all_accounts: true } });

    const removed = await t.request(`/integrated-accounts/${created.id}`, { method: 'DELETE' });
    expect(await json(removed)).toEqual({ id: created.id });
    const gone = await t.request(`/integrated-accounts/${created.id}`);
    expect(gone.status).toBe(404);
    expect((await json(gone)).error.code).toBe('not_found');
  });

  it('refuses to raise a JWT connection to read_write beyond its grant, pointing to reauthorize, which widens it', async () => {
    const created = await json(await post('/integrated-accounts', jwtBody({ permission: 'read' })));
    expect(created.granted_scopes).not.toContain('user_write');
    const patch = (body: unknown) =>
      t.request(`/integrated-accounts/${created.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const refused = await patch({ permission: 'read_write' });
    expect(refused.status).toBe(409);
    const error = (await json(refused)).error;
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(`/integrated-accounts/${created.id}/reauthorize`);
    expect(error.details).toMatchObject({
      missing_scopes: expect.arrayContaining(['user_write', 'account_write']),
      reauthorize: {
        method: 'POST',
        path: `/integrated-accounts/${created.id}/reauthorize?permission=read_write`,
      },
    });
    // Nothing changed: writes are still refused.
    expect(await json(await t.request(`/integrated-accounts/${created.id}`))).toMatchObject({
      permission: 'read',
    });
    const write = () =>
      t.request(`/unified/user-directory/groups?integrated_account_id=${created.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Widened' }),
      });
    expect((await write()).status).toBe(403);

    sim.log.clear();
    const widened = await t.request(`/integrated-accounts/${created.id}/reauthorize?permission=read_write`, {
      method: 'POST',
    });
    expect(widened.status).toBe(200);
    const account = await json(widened);
    expect(account).toMatchObject({ id: created.id, status: 'active', permission: 'read_write' });
    expect(account.granted_scopes).toEqual(expect.arrayContaining(['user_write', 'account_write']));
    // The new grant asked DocuSign for the write scopes.
    expect(sim.log.count({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', status: 200 })).toBe(1);
    expect((await write()).status).toBe(201);
    // Lowering and raising again within the grant is a plain change.
    expect((await patch({ permission: 'read' })).status).toBe(200);
    expect((await patch({ permission: 'read_write' })).status).toBe(200);
  });

  it("sets a connection's own pacing on create and PATCH, keeps it across re-authorization, clears it with null", async () => {
    const created = await json<IntegratedAccount>(
      await post('/integrated-accounts', jwtBody({ pacing: { max_in_flight: 24 } })),
    );
    expect(created.pacing).toEqual({ max_in_flight: 24 });
    expect((await json<IntegratedAccount>(await post('/integrated-accounts', jwtBody()))).pacing).toBeNull();
    const patch = (body: unknown) =>
      t.request(`/integrated-accounts/${created.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const raised = await patch({ pacing: { requests_per_second: 40, burst: 80, max_in_flight: 16 } });
    expect(raised.status).toBe(200);
    expect((await json<IntegratedAccount>(raised)).pacing).toEqual({
      requests_per_second: 40,
      burst: 80,
      max_in_flight: 16,
    });
    // A PATCH without pacing, and a fresh grant, leave it as it is.
    expect((await json<IntegratedAccount>(await patch({ metadata: { team: 'ops' } }))).pacing).toMatchObject({
      max_in_flight: 16,
    });
    const reauthorized = await t.request(`/integrated-accounts/${created.id}/reauthorize`, {
      method: 'POST',
    });
    expect((await json<IntegratedAccount>(reauthorized)).pacing).toMatchObject({ max_in_flight: 16 });

    for (const pacing of [
      { max_in_flight: 0 },
      { burst: 2.5 },
      { requests_per_second: '40' },
      { max_in_flight: 1001 },
    ]) {
      const error = await expectInvalid(await patch({ pacing }), /pacing/);
      expect(JSON.stringify(error.details)).toContain(Object.keys(pacing)[0]);
    }
    expect(
      (await json<IntegratedAccount>(await t.request(`/integrated-accounts/${created.id}`))).pacing,
    ).toMatchObject({
      max_in_flight: 16,
    });

    expect((await json<IntegratedAccount>(await patch({ pacing: null }))).pacing).toBeNull();
    expect((await json<IntegratedAccount>(await patch({ pacing: { burst: 40 } }))).pacing).toEqual({
      burst: 40,
    });
    expect((await json<IntegratedAccount>(await patch({ pacing: {} }))).pacing).toBeNull();
  });

  it('re-authorizes a JWT connection with a fresh grant', async () => {
    const created = await json(await post('/integrated-accounts', jwtBody()));
    sim.log.clear();
    const res = await t.request(`/integrated-accounts/${created.id}/reauthorize`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: created.id, status: 'active', auth_type: 'jwt' });
    expect(sim.log.count({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', status: 200 })).toBe(1);
  });
});

describe('GET /integrated-accounts paging', () => {
  it('walks pages with next_cursor and rejects a tampered or expired cursor with 400', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/integrated-accounts', jwtBody())).status).toBe(201);
    const all = await json(await t.request('/integrated-accounts?limit=500'));
    expect(all.next_cursor).toBeNull();
    const total = all.result_count;
    expect(total).toBeGreaterThanOrEqual(3);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { result: Array<{ id: string }>; next_cursor: string | null; result_count: number } =
        await json(
          await t.request(
            `/integrated-accounts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          ),
        );
      expect(page.result_count).toBe(page.result.length);
      seen.push(...page.result.map((a) => a.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.result.map((a: { id: string }) => a.id));

    const first = await json(await t.request('/integrated-accounts?limit=1'));
    const good: string = first.next_cursor;
    const flipped = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    await expectInvalid(
      await t.request(`/integrated-accounts?cursor=${encodeURIComponent(flipped)}`),
      /cursor/i,
    );
    await expectInvalid(await t.request('/integrated-accounts?cursor=garbage'), /cursor/i);

    clock.advance(25 * 3_600_000);
    await expectInvalid(
      await t.request(`/integrated-accounts?cursor=${encodeURIComponent(good)}`),
      /cursor/i,
    );
  });

  it('rejects a limit outside 1–500', async () => {
    await expectInvalid(await t.request('/integrated-accounts?limit=0'), 'limit');
    await expectInvalid(await t.request('/integrated-accounts?limit=501'), 'limit');
  });
});

describe('environment isolation', () => {
  it('hides a connection, and refuses its cursors, in another environment', async () => {
    const created = await json(await post('/integrated-accounts', jwtBody()));
    await ensureEnvironment(t.db, 'env_other', 'other');
    const { key } = await createApiKey(t.db, { environmentId: 'env_other', name: 'other' });
    const other = (path: string, init: RequestInit = {}) =>
      t.app.request(path, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });

    for (const [path, init] of [
      [`/integrated-accounts/${created.id}`, {}],
      [
        `/integrated-accounts/${created.id}`,
        { method: 'PATCH', body: JSON.stringify({ permission: 'read_write' }) },
      ],
      [`/integrated-accounts/${created.id}/reauthorize`, { method: 'POST' }],
      [`/integrated-accounts/${created.id}`, { method: 'DELETE' }],
    ] as const) {
      const res = await other(path, init);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
    expect((await json(await other('/integrated-accounts'))).result).toEqual([]);

    const { next_cursor } = await json(await t.request('/integrated-accounts?limit=1'));
    expect(next_cursor).toEqual(expect.any(String));
    await expectInvalid(
      await other(`/integrated-accounts?cursor=${encodeURIComponent(next_cursor)}`),
      /cursor/i,
    );

    const still = await json(await t.request(`/integrated-accounts/${created.id}`));
    expect(still).toMatchObject({ id: created.id, permission: 'read', status: 'active' });
  });
});
