import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';
import { createConnectSimulator, simulatorDocusignConfig } from '../../helpers/docusign-connect';
import { json } from '../../helpers/http';

const GATEWAY = 'http://gateway.test';
const LOGO = 'https://app.example.com/logo.png';

let branded: TestApp;
let plain: TestApp;

beforeAll(async () => {
  const sim = createConnectSimulator({ gatewayUrl: GATEWAY });
  const docusign = simulatorDocusignConfig(sim);
  branded = await createTestApp({
    docusign,
    config: { publicUrl: GATEWAY, application: { name: 'Acme HR <Offers>', logoUrl: LOGO } },
  });
  plain = await createTestApp({ docusign, config: { publicUrl: GATEWAY } });
});

afterAll(async () => {
  await branded.close();
  await plain.close();
});

async function connectPage(t: TestApp): Promise<string> {
  const created = await t.request('/link-tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({}),
  });
  const { link_url: linkUrl } = await json(created);
  const page = await t.app.request(new URL(linkUrl).pathname);
  expect(page.status).toBe(200);
  return page.text();
}

describe('GET /link/{token}', () => {
  it('names the application asking (escaped), shows its logo and the DocuSign environment', async () => {
    const html = await connectPage(branded);
    expect(html).toContain('<strong id="application-name">Acme HR &lt;Offers&gt;</strong>');
    expect(html).toContain(`<img src="${LOGO}"`);
    expect(html).toContain('the built-in DocuSign sandbox');
  });

  it('says "An application" and shows no logo when none is configured', async () => {
    const html = await connectPage(plain);
    expect(html).toContain('<strong id="application-name">An application</strong>');
    expect(html).not.toContain('<img');
  });
});
