import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocusignSimulator } from '../../src/sandbox/docusign';
import { launchChromium } from '../helpers/browser';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { createConnectSimulator, simulatorDocusignConfig } from '../helpers/docusign-connect';
import { json } from '../helpers/http';
import { listen } from '../helpers/http-server';

let browser: Browser;
let sim: DocusignSimulator;
let t: TestApp;
let gatewayUrl: string;
let clientAppUrl: string;
/** Added to the gateway's clock, to expire links without waiting. */
let gatewaySkewMs = 0;
const servers: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  let gatewayFetch: (req: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  let simFetch: (req: Request, env: unknown) => Promise<Response> = async () =>
    new Response('starting', { status: 503 });
  const gatewayServer = await listen((req, env) => gatewayFetch(req, env));
  const simServer = await listen((req, env) => simFetch(req, env));
  // The application the end user comes back to.
  const clientApp = await listen(
    () =>
      new Response('<!doctype html><title>Client app</title><h1>Back in the app</h1>', {
        headers: { 'content-type': 'text/html; charset=utf-8' },
      }),
  );
  servers.push(gatewayServer, simServer, clientApp);
  gatewayUrl = gatewayServer.url;
  clientAppUrl = clientApp.url;

  sim = createConnectSimulator({ gatewayUrl, origin: simServer.url });
  simFetch = (req, env) => sim.serverFetch(req, env);
  t = await createTestApp({
    now: () => Date.now() + gatewaySkewMs,
    docusign: simulatorDocusignConfig(sim),
    config: { publicUrl: gatewayUrl },
  });
  gatewayFetch = (req, env) => t.app.fetch(req, env as never);

  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
  await t?.close();
});

async function createLink(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('/link-tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await json(res)).link_url;
}

async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/** On the simulator's consent page: sign in as the seeded admin and press Allow or Deny. */
async function answerConsent(page: Page, decision: 'Allow' | 'Deny') {
  await page.waitForURL(`${sim.origin}/oauth/auth?**`);
  expect(await textOf(page, 'h1')).toBe('Allow access to your DocuSign account?');
  await page.fill('#email', sim.defaults.userEmail);
  await page.click(`button:text-is("${decision}")`);
}

/** The visible text of the first element matching `selector`. */
async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Pages must never show a stack trace or an internal error. */
async function expectNoStackTrace(page: Page) {
  const text = await page.textContent('body');
  expect(text).not.toMatch(/\bat .+\.(ts|tsx|js):\d+/);
  expect(text).not.toMatch(/Internal Server Error|TypeError|ReferenceError/);
}

describe('hosted connect page in Chromium', () => {
  it('connects all accounts with read_write and lands on return_url; the API shows the connection active', async () => {
    const linkUrl = await createLink({ return_url: `${clientAppUrl}/connected` });
    const id = await withPage(async (page) => {
      await page.goto(linkUrl);
      expect(await textOf(page, 'h1')).toBe('Connect your DocuSign account');
      await page.check('input[name=permission][value=read_write]');
      await page.check('#all_accounts');
      await page.click('button[type=submit]');
      await answerConsent(page, 'Allow');
      await page.waitForURL(`${clientAppUrl}/connected?**`);
      const url = new URL(page.url());
      expect(url.searchParams.get('status')).toBe('active');
      expect(await textOf(page, 'h1')).toBe('Back in the app');
      return url.searchParams.get('integrated_account_id')!;
    });

    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account).toMatchObject({
      id,
      status: 'active',
      auth_type: 'authorization_code',
      permission: 'read_write',
      scope: { all_accounts: true },
      docusign_environment: 'sandbox',
    });
    expect(account.granted_scopes).toEqual(expect.arrayContaining(['signature', 'user_write']));
    expect(account.accounts.map((a: { id: string }) => a.id).sort()).toEqual(
      [...sim.defaults.accountIds].sort(),
    );
  });

  it('connects one typed account with read permission and shows the success page without return_url', async () => {
    const linkUrl = await createLink();
    const accountId = sim.defaults.accountIds[1]!;
    const id = await withPage(async (page) => {
      await page.goto(linkUrl);
      await page.check('input[name=permission][value=read]');
      await page.fill('#account_id', accountId);
      await page.click('button[type=submit]');
      await answerConsent(page, 'Allow');
      await page.waitForURL(`${gatewayUrl}/oauth/callback?**`);
      expect(await textOf(page, 'h1')).toBe('DocuSign connected');
      return /Connection id: (ia_[a-f0-9]+)/.exec((await page.textContent('body')) ?? '')?.[1];
    });
    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account).toMatchObject({ status: 'active', permission: 'read', scope: { account_id: accountId } });
  });

  it('keeps the two account choices exclusive in the page, and the server rejects both with a 400 page', async () => {
    const linkUrl = await createLink();
    await withPage(async (page) => {
      await page.goto(linkUrl);
      await page.fill('#account_id', 'abc-123');
      await page.check('#all_accounts');
      expect(await page.isDisabled('#account_id')).toBe(true);
      expect(await page.inputValue('#account_id')).toBe('');
      await page.uncheck('#all_accounts');
      expect(await page.isDisabled('#account_id')).toBe(false);
      await page.fill('#account_id', 'abc-123');
      expect(await page.isChecked('#all_accounts')).toBe(false);

      // A client without the script (or a tampered page) sends both: the server must refuse.
      await page.check('#all_accounts');
      await page.locator('#account_id').evaluate((input: { disabled: boolean; value: string }) => {
        input.disabled = false;
        input.value = 'abc-123';
      });
      const [response] = await Promise.all([
        page.waitForResponse((res) => res.request().method() === 'POST'),
        page.click('button[type=submit]'),
      ]);
      expect(response.status()).toBe(400);
      expect(page.url()).toBe(linkUrl);
      expect(await textOf(page, '#form-error')).toBe(
        'Choose either an account ID or Sync all accounts, not both.',
      );
      await expectNoStackTrace(page);
    });
  });

  it('ends as validation_error with the reason shown when the account id is not the user’s', async () => {
    const linkUrl = await createLink();
    const unknown = '00000000-0000-4000-8000-000000000001';
    const id = await withPage(async (page) => {
      await page.goto(linkUrl);
      await page.fill('#account_id', unknown);
      await page.click('button[type=submit]');
      await answerConsent(page, 'Allow');
      await page.waitForURL(`${gatewayUrl}/oauth/callback?**`);
      expect(await textOf(page, 'h1')).toBe('DocuSign connected, but it cannot be used yet');
      expect(await textOf(page, '[role=alert]')).toContain(`DocuSign account ${unknown} is not among`);
      return /Connection (ia_[a-f0-9]+) is in status validation_error/.exec(
        (await page.textContent('body')) ?? '',
      )?.[1];
    });
    const account = await json(await t.request(`/integrated-accounts/${id}`));
    expect(account.status).toBe('validation_error');
    expect(account.last_error).toContain(unknown);
  });

  it('shows the declined page when the user denies consent', async () => {
    const before = (await json(await t.request('/integrated-accounts'))).result.length;
    const linkUrl = await createLink();
    await withPage(async (page) => {
      await page.goto(linkUrl);
      await page.click('button[type=submit]');
      await answerConsent(page, 'Deny');
      await page.waitForURL(`${gatewayUrl}/oauth/callback?**`);
      expect(await textOf(page, 'h1')).toBe('DocuSign was not connected');
      expect(await textOf(page, '[role=alert]')).toContain('You declined access in DocuSign');
      await expectNoStackTrace(page);
    });
    expect((await json(await t.request('/integrated-accounts'))).result).toHaveLength(before);
  });

  it('shows a clear page for a used link and a replayed callback', async () => {
    const linkUrl = await createLink();
    await withPage(async (page) => {
      await page.goto(linkUrl);
      await page.click('button[type=submit]');
      await answerConsent(page, 'Allow');
      await page.waitForURL(`${gatewayUrl}/oauth/callback?**`);
      expect(await textOf(page, 'h1')).toBe('DocuSign connected');
      const callbackUrl = page.url();

      const replay = await page.goto(callbackUrl);
      expect(replay?.status()).toBe(410);
      expect(await textOf(page, 'h1')).toBe('This link cannot be used');
      expect(await textOf(page, '[role=alert]')).toContain('already used');
      await expectNoStackTrace(page);

      const reopened = await page.goto(linkUrl);
      expect(reopened?.status()).toBe(410);
      expect(await textOf(page, '[role=alert]')).toContain('already used');
    });
  });

  it('shows a clear page for an expired link', async () => {
    const linkUrl = await createLink({ expires_in_seconds: 60 });
    gatewaySkewMs += 61_000;
    await withPage(async (page) => {
      const res = await page.goto(linkUrl);
      expect(res?.status()).toBe(410);
      expect(await textOf(page, '[role=alert]')).toBe(
        'This connection link has expired. Ask the application for a new link.',
      );
      await expectNoStackTrace(page);
    });
  });
});
