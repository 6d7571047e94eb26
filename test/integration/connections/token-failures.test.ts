import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sealedAad } from '../../../src/credentials/aad';
import { createVault, parseEncryptionKeys } from '../../../src/credentials/vault';
import { events, integratedAccounts } from '../../../src/db/schema/index';
import { esignatureBase } from '../../../src/docusign/accounts';
import { ApiError } from '../../../src/http/errors';
import type { DocusignSimulator } from '../../../src/sandbox/docusign';
import { createFakeClock } from '../../helpers/clock';
import { createTestApp, TEST_SECRETS, type TestApp } from '../../helpers/create-test-app';
import {
  createConnectSimulator,
  type EsignatureRejections,
  inProcessTransport,
  rejectingEsignature,
  simulatorDocusignConfig,
  walkCodeGrant,
} from '../../helpers/docusign-connect';
import { json } from '../../helpers/http';

const GATEWAY = 'http://gateway.test';
const HOUR = 3_600_000;

// Separate clocks: advancing only the simulator's makes DocuSign reject a token the gateway still trusts.
let gatewayClock: ReturnType<typeof createFakeClock>;
let simClock: ReturnType<typeof createFakeClock>;
let sim: DocusignSimulator;
let t: TestApp;
let rejections: EsignatureRejections;
const vault = createVault(parseEncryptionKeys(TEST_SECRETS.encryptionKeys));

beforeAll(async () => {
  gatewayClock = createFakeClock();
  simClock = createFakeClock();
  sim = createConnectSimulator({ gatewayUrl: GATEWAY, now: simClock.now, accessTokenTtlSeconds: 3600 });
  const upstream = rejectingEsignature(sim.fetch);
  rejections = upstream.rejections;
  t = await createTestApp({
    now: gatewayClock.now,
    // Lets a test make DocuSign answer every eSignature call with 401, whatever the token.
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

function advanceBoth(ms: number) {
  gatewayClock.advance(ms);
  simClock.advance(ms);
}

async function connect(linkUrl?: string): Promise<string> {
  const url =
    linkUrl ??
    (
      await json(
        await t.request('/link-tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ return_url: 'https://app.example.com/done' }),
        }),
      )
    ).link_url;
  const { callback } = await walkCodeGrant(inProcessTransport(t.app, GATEWAY, sim), url, {
    accountId: sim.defaults.accountIds[0],
  });
  const location = new URL(callback.headers.get('location')!);
  expect(location.searchParams.get('status')).toBe('active');
  return location.searchParams.get('integrated_account_id')!;
}

function callAccount(id: string) {
  return t.app.services.upstream.request({
    integratedAccountId: id,
    method: 'GET',
    url: esignatureBase({ baseUri: sim.origin, accountId: sim.defaults.accountIds[0]! }),
  });
}

async function row(id: string) {
  const [found] = await t.db.select().from(integratedAccounts).where(eq(integratedAccounts.id, id));
  return found!;
}

async function reauthEvents(id: string) {
  return t.db
    .select()
    .from(events)
    .where(and(eq(events.integratedAccountId, id), eq(events.type, 'integrated_account.needs_reauth')));
}

describe('a spent refresh token', () => {
  it('marks the connection needs_reauth with last_error and records one needs_reauth event', async () => {
    const id = await connect();
    // Someone else spends the refresh token (DocuSign rotates it), so the gateway's copy is dead.
    const stored = await row(id);
    const refreshToken = await vault.open(stored.refreshTokenSealed!, sealedAad(id, 'refresh_token'));
    const stolen = await sim.fetch(`${sim.origin}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${sim.defaults.clientId}:${sim.defaults.clientSecret}`)}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });
    expect(stolen.status).toBe(200);
    sim.log.clear();

    advanceBoth(HOUR + 60_000);
    const failure = await callAccount(id).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('needs_reauth');
    expect(sim.log.count({ grantType: 'refresh_token', status: 400 })).toBe(1);
    expect(sim.log.count({ api: 'esignature' })).toBe(0);

    const after = await row(id);
    expect(after.status).toBe('needs_reauth');
    expect(after.lastError).toContain('invalid_grant');
    const recorded = await reauthEvents(id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.payload).toMatchObject({ reason: 'invalid_grant' });
    expect(recorded[0]!.environmentId).toBe(t.environmentId);

    // Later calls fail fast: no second token request, no second event.
    const again = await callAccount(id).catch((error: unknown) => error);
    expect((again as ApiError).code).toBe('needs_reauth');
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
    expect(await reauthEvents(id)).toHaveLength(1);

    const shown = await json(await t.request(`/integrated-accounts/${id}`));
    expect(shown).toMatchObject({ status: 'needs_reauth' });
    expect(shown.last_error).toContain('invalid_grant');
  });

  it('is repaired by POST /integrated-accounts/{id}/reauthorize and the connect page, keeping the id', async () => {
    const id = await connect();
    const stored = await row(id);
    await t.db
      .update(integratedAccounts)
      .set({ status: 'needs_reauth', lastError: 'invalid_grant' })
      .where(eq(integratedAccounts.id, stored.id));

    const res = await t.request(`/integrated-accounts/${id}/reauthorize`, { method: 'POST' });
    expect(res.status).toBe(200);
    const link = await json(res);
    expect(link.link_url).toMatch(new RegExp(`^${GATEWAY}/link/`));
    expect(await connect(link.link_url)).toBe(id);

    const repaired = await json(await t.request(`/integrated-accounts/${id}`));
    expect(repaired).toMatchObject({ id, status: 'active', last_error: null });
    expect((await callAccount(id)).status).toBe(200);
  });
});

describe('a 401 from DocuSign in the middle of a call', () => {
  it('refreshes exactly once, retries once, and succeeds', async () => {
    const id = await connect();
    sim.log.clear();
    // Only DocuSign's clock moves: the gateway still believes the token is valid.
    simClock.advance(HOUR + 60_000);

    const res = await callAccount(id);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accountIdGuid: string }).accountIdGuid).toBe(sim.defaults.accountIds[0]);
    expect(sim.log.count({ api: 'esignature', status: 401 })).toBe(1);
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
    expect(sim.log.count({ api: 'esignature', status: 200 })).toBe(1);
    expect((await row(id)).status).toBe('active');
  });

  it('gives up after the one retry when DocuSign keeps answering 401', async () => {
    const id = await connect();
    sim.log.clear();
    rejections.always = true;
    try {
      const failure = await callAccount(id).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApiError);
      expect((failure as ApiError).code).toBe('upstream_error');
      expect(rejections.refused).toBe(2);
      expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
    } finally {
      rejections.always = false;
      rejections.refused = 0;
    }
  });
});
