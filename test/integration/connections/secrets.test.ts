import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealedAad } from '../../../src/credentials/aad';
import { createVault, parseEncryptionKeys } from '../../../src/credentials/vault';
import { events, integratedAccounts } from '../../../src/db/schema/index';
import { esignatureBase } from '../../../src/docusign/accounts';
import type { DocusignSimulator } from '../../../src/sandbox/docusign';
import { createFakeClock } from '../../helpers/clock';
import { createTestApp, TEST_SECRETS, type TestApp } from '../../helpers/create-test-app';
import {
  createConnectSimulator,
  type EsignatureRejections,
  rejectingEsignature,
  simulatorDocusignConfig,
  type Transport,
  walkCodeGrant,
} from '../../helpers/docusign-connect';
import { jwtConnectBody } from '../../helpers/jwt-connect';
import { testKeyPair } from '../../helpers/keys';

const GATEWAY = 'http://gateway.test';
const HOUR = 3_600_000;

let clock: ReturnType<typeof createFakeClock>;
let sim: DocusignSimulator;
let t: TestApp;
let privateKeyPem: string;
/** Every token DocuSign handed the gateway, and the other credentials it holds. */
const secrets = new Set<string>();
/** Everything the gateway answered: statuses, headers and bodies (and errors thrown to callers). */
const said: string[] = [];
const linkTokens: string[] = [];
let rejections: EsignatureRejections;
const vault = createVault(parseEncryptionKeys(TEST_SECRETS.encryptionKeys));

beforeAll(async () => {
  clock = createFakeClock();
  const keys = await testKeyPair();
  privateKeyPem = keys.privateKeyPem;
  sim = createConnectSimulator({
    gatewayUrl: GATEWAY,
    now: clock.now,
    publicKeyPem: keys.publicKeyPem,
    accessTokenTtlSeconds: 3600,
  });
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  // Every token DocuSign hands out is a secret the gateway must never show.
  const upstream = rejectingEsignature(async (input, init) => {
    const res = await sim.fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/oauth/token') && res.ok) {
      const body = (await res.clone().json()) as { access_token?: string; refresh_token?: string };
      if (body.access_token) secrets.add(body.access_token);
      if (body.refresh_token) secrets.add(body.refresh_token);
    }
    return res;
  });
  rejections = upstream.rejections;
  t = await createTestApp({
    now: clock.now,
    fetch: upstream.fetch,
    docusign: simulatorDocusignConfig(sim),
    config: { publicUrl: GATEWAY },
  });
  secrets.add(sim.defaults.clientSecret);
  // The key as a whole and every line of its base64 body.
  secrets.add(privateKeyPem.trim());
  for (const line of privateKeyPem.split('\n')) {
    if (line.length >= 32 && !line.startsWith('-----')) secrets.add(line);
  }
});

afterAll(async () => {
  await t.close();
});

async function record(res: Response): Promise<Response> {
  const body = await res.text();
  said.push(`${res.status} ${JSON.stringify([...res.headers])} ${body}`);
  return new Response(body, { status: res.status, headers: res.headers });
}

// biome-ignore lint/suspicious/noExplicitAny: the test walks untyped JSON bodies.
async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await record(
    await t.request(path, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    }),
  );
  return { status: res.status, body: await res.json() };
}

/** The browser's side of the flow; the gateway's answers are recorded. */
const transport: Transport = async (url, init) =>
  url.startsWith(GATEWAY) ? record(await t.app.request(url, init)) : sim.fetch(url, init);

async function connectWithCodeGrant(): Promise<string> {
  const link = await api('/link-tokens', { method: 'POST', body: JSON.stringify({}) });
  // A link token is a bearer capability too: it may be shown to its creator, never logged.
  linkTokens.push(link.body.link_token);
  await transport(link.body.link_url);
  const { callback } = await walkCodeGrant(transport, link.body.link_url, { allAccounts: true });
  return /Connection id: (ia_[a-f0-9]+)/.exec(await callback.text())![1]!;
}

function jwtBody(overrides: Parameters<typeof jwtConnectBody>[2] = {}) {
  return JSON.stringify(jwtConnectBody(sim, privateKeyPem, { all_accounts: true, ...overrides }));
}

/** An upstream call as a unified route would make it; the answer or the error is recorded. */
async function callUpstream(id: string) {
  try {
    const res = await t.app.services.upstream.request({
      integratedAccountId: id,
      method: 'GET',
      url: esignatureBase({ baseUri: sim.origin, accountId: sim.defaults.accountIds[0]! }),
    });
    said.push(`${res.status} ${await res.text()}`);
  } catch (error) {
    said.push(JSON.stringify(error), String(error), (error as Error).stack ?? '');
  }
}

/** Someone spends the connection's refresh token behind the gateway's back (DocuSign rotates it). */
async function spendRefreshTokenElsewhere(id: string) {
  const [row] = await t.db.select().from(integratedAccounts).where(eq(integratedAccounts.id, id));
  const refreshToken = await vault.open(row!.refreshTokenSealed!, sealedAad(id, 'refresh_token'));
  const res = await sim.fetch(`${sim.origin}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(`${sim.defaults.clientId}:${sim.defaults.clientSecret}`)}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  expect(res.status).toBe(200);
}

describe('secrets never leak', () => {
  it('keeps tokens, the client secret and private keys out of every response, log line, event and column', async () => {
    const codeId = await connectWithCodeGrant();
    const jwt = await api('/integrated-accounts', { method: 'POST', body: jwtBody() });
    expect(jwt.status).toBe(201);
    const jwtId: string = jwt.body.id;

    // Failures of requests that carry the private key.
    const otherUser = [...sim.state.users.keys()].find((id) => id !== sim.defaults.userId)!;
    // A truncated key: the first lines of the real one, so its material is in the request.
    const damagedKey = `${privateKeyPem.slice(0, 400)}\n-----END PRIVATE KEY-----`;
    for (const overrides of [
      { user_id: otherUser },
      { integration_key: '11111111-2222-4333-8444-555555555555' },
      { private_key: damagedKey },
      { docusign_environment: 'staging' },
      { account_id: 'x', all_accounts: true },
    ]) {
      const res = await api('/integrated-accounts', { method: 'POST', body: jwtBody(overrides) });
      expect(res.status).toBe(400);
    }

    // Every integrated-accounts route.
    expect((await api('/integrated-accounts?limit=1')).status).toBe(200);
    expect((await api(`/integrated-accounts/${codeId}`)).status).toBe(200);
    expect((await api(`/integrated-accounts/${jwtId}`)).status).toBe(200);
    const patch = { method: 'PATCH', body: JSON.stringify({ permission: 'read', metadata: { a: 1 } }) };
    expect((await api(`/integrated-accounts/${codeId}`, patch)).status).toBe(200);
    expect((await api(`/integrated-accounts/${codeId}/reauthorize`, { method: 'POST' })).status).toBe(200);
    expect((await api(`/integrated-accounts/${jwtId}/reauthorize`, { method: 'POST' })).status).toBe(200);

    // Refreshes on expiry and on a 401, for both kinds, then a dead refresh token (needs_reauth).
    clock.advance(HOUR + 60_000);
    await callUpstream(codeId);
    await callUpstream(jwtId);
    rejections.next = 1;
    await callUpstream(codeId);
    rejections.next = 1;
    await callUpstream(jwtId);
    await spendRefreshTokenElsewhere(codeId);
    clock.advance(HOUR + 60_000);
    await callUpstream(codeId);
    expect((await api(`/integrated-accounts/${codeId}`)).body.status).toBe('needs_reauth');

    expect((await api(`/integrated-accounts/${jwtId}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(`/integrated-accounts/${jwtId}`)).status).toBe(404);

    const eventRows = await t.db.select().from(events);
    // One needs_reauth; the connection events (active per connect, deleted) are searched for secrets too.
    expect(eventRows.filter((e) => e.type === 'integrated_account.needs_reauth')).toHaveLength(1);
    expect(eventRows.some((e) => e.type === 'integrated_account.deleted')).toBe(true);
    const rows = await t.db.select().from(integratedAccounts);
    const haystacks = {
      responses: said.join('\n'),
      logs: t.logger.lines.join('\n'),
      events: JSON.stringify(eventRows),
      'stored columns (must be sealed)': JSON.stringify(rows),
    };
    // The scenario produced what it should: several access and refresh tokens, logs and answers to search.
    expect(secrets.size).toBeGreaterThan(10);
    expect(said.length).toBeGreaterThan(20);
    expect(t.logger.lines.length).toBeGreaterThan(20);
    const logs = t.logger.lines.join('\n');
    expect(logs).toContain('/link/[redacted]');
    for (const token of linkTokens) expect(logs).not.toContain(token);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 6)}…) appears in ${where}`);
      }
    }
  });
});
