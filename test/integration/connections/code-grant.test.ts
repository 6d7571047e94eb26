import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLinkToken } from '../../../src/connections/link-tokens';
import type { DocusignSimulator } from '../../../src/sandbox/docusign';
import { createFakeClock } from '../../helpers/clock';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';
import {
  createConnectSimulator,
  inProcessTransport,
  simulatorDocusignConfig,
  type Transport,
  walkCodeGrant,
} from '../../helpers/docusign-connect';
import { json } from '../../helpers/http';

const GATEWAY = 'http://gateway.test';
const RETURN_URL = 'https://app.example.com/after-connect?tenant=42';

let clock: ReturnType<typeof createFakeClock>;
let sim: DocusignSimulator;
let t: TestApp;
let transport: Transport;

// One database for the file: creating and migrating PGlite is the slow part of a test.
beforeAll(async () => {
  clock = createFakeClock();
  sim = createConnectSimulator({ gatewayUrl: GATEWAY, now: clock.now });
  t = await createTestApp({
    now: clock.now,
    fetch: sim.fetch,
    docusign: simulatorDocusignConfig(sim),
    config: { publicUrl: GATEWAY },
  });
  transport = inProcessTransport(t.app, GATEWAY, sim);
});

beforeEach(() => {
  sim.log.clear();
});

afterAll(async () => {
  await t.close();
});

async function createLink(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('/link-tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  const link = await json(res);
  expect(link.link_url).toMatch(new RegExp(`^${GATEWAY}/link/lt_`));
  return link.link_url;
}

describe('changing the permission of a code-grant connection', () => {
  it('refuses read_write beyond the grant with a pointer to reauthorize, whose link grants it', async () => {
    const linkUrl = await createLink();
    const [accountId] = sim.defaults.accountIds;
    const { callback } = await walkCodeGrant(transport, linkUrl, { permission: 'read', accountId });
    const id = /Connection id: (ia_[a-f0-9]+)/.exec(await callback.text())![1]!;
    const patch = (body: unknown) =>
      t.request(`/integrated-accounts/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const refused = await patch({ permission: 'read_write' });
    expect(refused.status).toBe(409);
    const error = (await json(refused)).error;
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(`/integrated-accounts/${id}/reauthorize`);
    expect(error.details.missing_scopes).toEqual(expect.arrayContaining(['user_write']));
    expect(await json(await t.request(`/integrated-accounts/${id}`))).toMatchObject({ permission: 'read' });

    const reauth = await t.request(`/integrated-accounts/${id}/reauthorize`, { method: 'POST' });
    expect(reauth.status).toBe(200);
    const { link_url } = await json(reauth);
    await walkCodeGrant(transport, link_url, { permission: 'read_write', accountId });
    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account).toMatchObject({ id, permission: 'read_write', status: 'active' });
    expect(account.granted_scopes).toEqual(expect.arrayContaining(['user_write', 'account_write']));
    expect((await patch({ permission: 'read' })).status).toBe(200);
    expect((await patch({ permission: 'read_write' })).status).toBe(200);
  });
});

describe('authorization code grant through the hosted connect page', () => {
  it('connects one account with read permission and redirects to return_url', async () => {
    const linkUrl = await createLink({ return_url: RETURN_URL });
    const [accountId] = sim.defaults.accountIds;
    const { callback } = await walkCodeGrant(transport, linkUrl, { permission: 'read', accountId });

    expect(callback.status).toBe(302);
    const target = new URL(callback.headers.get('location')!);
    expect(`${target.origin}${target.pathname}`).toBe('https://app.example.com/after-connect');
    expect(target.searchParams.get('tenant')).toBe('42');
    expect(target.searchParams.get('status')).toBe('active');
    const id = target.searchParams.get('integrated_account_id')!;

    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account).toMatchObject({
      id,
      status: 'active',
      auth_type: 'authorization_code',
      permission: 'read',
      docusign_environment: 'sandbox',
      scope: { account_id: accountId },
      last_error: null,
    });
    expect(account.accounts.map((a: { id: string }) => a.id).sort()).toEqual(
      [...sim.defaults.accountIds].sort(),
    );
    expect(account.granted_scopes).toContain('signature');
    expect(account.granted_scopes).not.toContain('user_write');
    // The code was redeemed with PKCE and the connection was validated with a real eSignature call.
    expect(sim.log.count({ grantType: 'authorization_code', status: 200 })).toBe(1);
    expect(sim.log.count({ api: 'esignature', accountId, status: 200 })).toBe(1);
  });

  it('connects all accounts with read_write permission and shows the success page without return_url', async () => {
    const linkUrl = await createLink();
    const { callback } = await walkCodeGrant(transport, linkUrl, {
      permission: 'read_write',
      allAccounts: true,
    });

    expect(callback.status).toBe(200);
    const page = await callback.text();
    expect(page).toContain('DocuSign connected');
    const id = /Connection id: (ia_[a-f0-9]+)/.exec(page)?.[1];
    expect(id).toBeDefined();
    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account).toMatchObject({
      status: 'active',
      permission: 'read_write',
      scope: { all_accounts: true },
    });
    expect(account.granted_scopes).toEqual(expect.arrayContaining(['signature', 'user_write']));
    // Every covered account was validated.
    for (const accountId of sim.defaults.accountIds) {
      expect(sim.log.count({ api: 'esignature', accountId, status: 200 })).toBe(1);
    }
  });

  it('uses the default account when neither an account id nor all accounts is chosen', async () => {
    const linkUrl = await createLink({ return_url: RETURN_URL });
    const { callback } = await walkCodeGrant(transport, linkUrl, {});
    const id = new URL(callback.headers.get('location')!).searchParams.get('integrated_account_id');
    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account).toMatchObject({ status: 'active', scope: { account_id: sim.defaults.accountIds[0] } });
  });

  it('ends as validation_error with the reason when the account id is not the user’s', async () => {
    const linkUrl = await createLink();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const { callback } = await walkCodeGrant(transport, linkUrl, { accountId: unknown });
    const page = await callback.text();
    expect(page).toContain('cannot be used yet');
    expect(page).toContain(`DocuSign account ${unknown} is not among the user&#39;s accounts`);

    const id = /Connection (ia_[a-f0-9]+) is in status validation_error/.exec(page)?.[1];
    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account).toMatchObject({ status: 'validation_error', scope: { account_id: unknown } });
    expect(account.last_error).toContain(unknown);
  });

  it('rejects a form with both an account id and all accounts with a 400 page and no redirect', async () => {
    const linkUrl = await createLink();
    const res = await transport(linkUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        permission: 'read',
        account_id: sim.defaults.accountIds[0]!,
        all_accounts: 'true',
      }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Choose either an account ID or Sync all accounts, not both.');
  });

  it('shows the declined page when the user denies consent, and creates nothing', async () => {
    const before = (await json(await t.request('/integrated-accounts'))).result.length;
    const linkUrl = await createLink();
    const { callback } = await walkCodeGrant(transport, linkUrl, { decision: 'deny' });
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain('You declined access in DocuSign');
    expect((await json(await t.request('/integrated-accounts'))).result).toHaveLength(before);
  });

  it('passes a denial back to return_url as error=access_denied', async () => {
    const linkUrl = await createLink({ return_url: RETURN_URL });
    const { callback } = await walkCodeGrant(transport, linkUrl, { decision: 'deny' });
    expect(callback.status).toBe(302);
    expect(new URL(callback.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('refuses a replayed callback and a used link with a clear page', async () => {
    const linkUrl = await createLink();
    const { callback, callbackUrl } = await walkCodeGrant(transport, linkUrl, {});
    expect(callback.status).toBe(200);
    const before = (await json(await t.request('/integrated-accounts'))).result.length;

    const replay = await transport(callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(410);
    expect(await replay.text()).toContain('This connection link was already used.');
    const reopened = await transport(linkUrl);
    expect(reopened.status).toBe(410);
    expect(await reopened.text()).toContain('already used');
    expect((await json(await t.request('/integrated-accounts'))).result).toHaveLength(before);
    expect(sim.log.count({ grantType: 'authorization_code' })).toBe(1);
  });

  it('completes a callback delivered twice at once exactly once', async () => {
    const before = (await json(await t.request('/integrated-accounts'))).result.length;
    const linkUrl = await createLink();
    const submitted = await transport(linkUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'permission=read',
      redirect: 'manual',
    });
    const authorize = new URL(submitted.headers.get('location')!);
    const consent = new URLSearchParams(authorize.searchParams);
    consent.set('email', sim.defaults.userEmail);
    consent.set('decision', 'allow');
    const decided = await sim.fetch(`${sim.origin}/oauth/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: consent.toString(),
      redirect: 'manual',
    });
    const callbackUrl = decided.headers.get('location')!;
    const answers = await Promise.all([transport(callbackUrl), transport(callbackUrl)]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 410]);
    expect(sim.log.count({ grantType: 'authorization_code' })).toBe(1);
    expect((await json(await t.request('/integrated-accounts'))).result).toHaveLength(before + 1);
  });

  it('refuses an expired link and an unknown link with a clear page', async () => {
    const linkUrl = await createLink({ expires_in_seconds: 60 });
    clock.advance(61_000);
    const expired = await transport(linkUrl);
    expect(expired.status).toBe(410);
    const text = await expired.text();
    expect(text).toContain('This connection link has expired.');
    expect(text).not.toMatch(/at .*\.ts:\d+/);

    const unknown = await transport(`${GATEWAY}/link/lt_not-a-real-token`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('This connection link is not valid.');
  });

  it('answers a far too long link token with the same page, not a JSON error', async () => {
    const res = await transport(`${GATEWAY}/link/lt_${'x'.repeat(500)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('This connection link is not valid.');
  });

  it('explains with a page when the link was made for a DocuSign environment this gateway no longer serves', async () => {
    const { token } = await createLinkToken(t.db, {
      environmentId: t.environmentId,
      docusignEnvironment: 'retired',
      returnUrl: null,
      integratedAccountId: null,
      expiresAt: new Date(clock.now() + 60_000),
    });
    const page = await transport(`${GATEWAY}/link/${token}`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('no longer set up');
    const submitted = await transport(`${GATEWAY}/link/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'permission=read',
      redirect: 'manual',
    });
    expect(submitted.status).toBe(503);
    expect(submitted.headers.get('content-type')).toContain('text/html');
    expect(await submitted.text()).toContain('no longer set up');
    expect(sim.log.entries).toHaveLength(0);
  });

  it('refuses a callback whose state was tampered with', async () => {
    const linkUrl = await createLink();
    const submitted = await transport(linkUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'permission=read',
      redirect: 'manual',
    });
    const state = new URL(submitted.headers.get('location')!).searchParams.get('state')!;
    const res = await transport(`${GATEWAY}/oauth/callback?code=abc&state=${state.slice(0, -2)}xx`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('could not be verified');
  });
});
