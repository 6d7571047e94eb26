import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { listen } from '../helpers/http-server';

let browser: Browser;
let t: TestApp;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  t = await createTestApp();
  server = await listen((req, env) => t.app.fetch(req, env as never));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

describe('GET /docs in Chromium with every non-local request blocked', () => {
  it('renders the operations from the gateway alone, with no outside request and no console error', async () => {
    const context = await browser.newContext();
    const outside: string[] = [];
    const consoleErrors: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.url || url.protocol === 'data:' || url.protocol === 'blob:') {
        return route.continue();
      }
      outside.push(url.href);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const response = await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    // Operation summaries come from /openapi.json, so seeing them means the reference rendered the document.
    // Rendering the whole reference takes Chromium's software renderer several seconds here.
    await page.getByText('Unified models, resources and methods this gateway supports').first().waitFor({
      timeout: 90_000,
    });
    await expect(page.getByText('User Directory: Users').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByText('Developer Tools').count()).resolves.toBe(0);
    expect(outside).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('answers /favicon.ico without asking for an API key', async () => {
    const res = await t.app.request('/favicon.ico');
    expect(res.status).toBe(204);
  });
});
