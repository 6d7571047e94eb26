import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratedAccounts } from '../../../src/db/schema/index';
import { esignatureBase } from '../../../src/docusign/accounts';
import type { DocusignSimulator } from '../../../src/sandbox/docusign';
import { createFakeClock } from '../../helpers/clock';
import { usingRealPostgres } from '../../helpers/database';
import {
  createConnectSimulator,
  inProcessTransport,
  simulatorDocusignConfig,
  walkCodeGrant,
} from '../../helpers/docusign-connect';
import { createGatewayInstances, type GatewayInstance } from '../../helpers/gateway-instances';
import { type IntegratedAccount, json } from '../../helpers/http';
import { jwtConnectBody } from '../../helpers/jwt-connect';
import { testKeyPair } from '../../helpers/keys';

const GATEWAY = 'http://gateway.test';
const CALLS = 100;
const HOUR = 3_600_000;

let clock: ReturnType<typeof createFakeClock>;
let sim: DocusignSimulator;
let gateways: Awaited<ReturnType<typeof createGatewayInstances>>;
let privateKeyPem: string;

beforeAll(async () => {
  clock = createFakeClock();
  const keys = await testKeyPair();
  privateKeyPem = keys.privateKeyPem;
  sim = createConnectSimulator({
    gatewayUrl: GATEWAY,
    now: clock.now,
    accessTokenTtlSeconds: 3600,
    publicKeyPem: keys.publicKeyPem,
  });
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  gateways = await createGatewayInstances(2, {
    publicUrl: GATEWAY,
    now: clock.now,
    fetch: sim.fetch,
    docusign: simulatorDocusignConfig(sim),
    // The per-account budget would queue 100 calls behind 8 slots; this test is about tokens, not pacing.
    upstream: { budget: { maxConcurrent: CALLS, bucketCapacity: CALLS * 2 } },
  });
});

afterAll(async () => {
  await gateways.close();
});

/** Connects through the hosted page with the code grant and returns the integrated account id. */
async function connect(gateway: GatewayInstance, accountId: string): Promise<string> {
  const res = await gateway.request('/link-tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ return_url: 'https://app.example.com/done' }),
  });
  const { link_url } = await json(res);
  const { callback } = await walkCodeGrant(inProcessTransport(gateway.app, GATEWAY, sim), link_url, {
    accountId,
  });
  const location = new URL(callback.headers.get('location')!);
  expect(location.searchParams.get('status')).toBe('active');
  return location.searchParams.get('integrated_account_id')!;
}

describe(`token refresh under concurrency (two gateway instances on ${usingRealPostgres ? 'PostgreSQL, one pool each' : 'one PGlite'})`, () => {
  it('spends the refresh token exactly once for 100 concurrent calls on an expired access token', async () => {
    const [first] = gateways.instances;
    const accountId = sim.defaults.accountIds[0]!;
    const id = await connect(first!, accountId);
    const [before] = await gateways.db
      .select({ expiresAt: integratedAccounts.accessTokenExpiresAt })
      .from(integratedAccounts)
      .where(eq(integratedAccounts.id, id));

    clock.advance(HOUR + 60_000);
    sim.log.clear();
    const url = esignatureBase({ baseUri: sim.origin, accountId });
    const results = await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const gateway = gateways.instances[i % gateways.instances.length]!;
        const res = await gateway.app.services.upstream.request({
          integratedAccountId: id,
          method: 'GET',
          url,
        });
        const body = (await res.json()) as { accountIdGuid?: string };
        return { status: res.status, accountId: body.accountIdGuid };
      }),
    );

    expect(results.filter((r) => r.status === 200)).toHaveLength(CALLS);
    expect(results.every((r) => r.accountId === accountId)).toBe(true);
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
    expect(sim.log.count({ grantType: 'refresh_token', status: 200 })).toBe(1);
    // Nobody called DocuSign with the expired token.
    expect(sim.log.count({ api: 'esignature', status: 401 })).toBe(0);
    expect(sim.log.count({ api: 'esignature', status: 200 })).toBe(CALLS);

    const [after] = await gateways.db.select().from(integratedAccounts).where(eq(integratedAccounts.id, id));
    expect(after!.status).toBe('active');
    expect(after!.accessTokenExpiresAt!.getTime()).toBeGreaterThan(clock.now() + HOUR - 120_000);
    expect(after!.accessTokenExpiresAt!.getTime()).toBeGreaterThan(before!.expiresAt!.getTime());
    expect(after!.refreshFailures).toBe(0);
  });
  it('signs exactly one new assertion for 100 concurrent calls on an expired JWT-grant token', async () => {
    const [first] = gateways.instances;
    const accountId = sim.defaults.accountIds[0]!;
    const created = await first!.request('/integrated-accounts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(jwtConnectBody(sim, privateKeyPem, { account_id: accountId })),
    });
    expect(created.status).toBe(201);
    const { id } = await json<IntegratedAccount>(created);
    clock.advance(HOUR + 60_000);
    sim.log.clear();

    const url = esignatureBase({ baseUri: sim.origin, accountId });
    const statuses = await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const gateway = gateways.instances[i % gateways.instances.length]!;
        const res = await gateway.app.services.upstream.request({
          integratedAccountId: id,
          method: 'GET',
          url,
        });
        await res.body?.cancel();
        return res.status;
      }),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(CALLS);
    expect(sim.log.count({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' })).toBe(1);
    expect(sim.log.count({ api: 'esignature', status: 401 })).toBe(0);
  });

  it('backs off after a failed refresh: 100 calls make one token request and fail fast', async () => {
    const [first] = gateways.instances;
    const accountId = sim.defaults.accountIds[0]!;
    const id = await connect(first!, accountId);
    clock.advance(HOUR + 60_000);
    sim.log.clear();
    sim.faults.set({ match: '/oauth/token', errorRate: 1, errorStatus: 503 });
    try {
      const url = esignatureBase({ baseUri: sim.origin, accountId });
      const outcomes = await Promise.all(
        Array.from({ length: CALLS }, (_, i) =>
          gateways.instances[i % gateways.instances.length]!.app.services.upstream.request({
            integratedAccountId: id,
            method: 'GET',
            url,
          }).then(
            () => 'ok',
            (error: { code?: string; headers?: Record<string, string> }) => error.code,
          ),
        ),
      );
      expect(new Set(outcomes)).toEqual(new Set(['upstream_unavailable']));
      // A faulted request never reaches the token route, so it is counted by path.
      expect(sim.log.count({ path: '/oauth/token' })).toBe(1);
      expect(sim.log.count({ api: 'esignature' })).toBe(0);
    } finally {
      sim.faults.clear();
    }
    const [row] = await gateways.db.select().from(integratedAccounts).where(eq(integratedAccounts.id, id));
    expect(row!.status).toBe('active');
    expect(row!.refreshFailures).toBe(1);
    expect(row!.refreshRetryAt!.getTime()).toBeGreaterThan(clock.now());

    // After the cooldown the next call refreshes and succeeds.
    clock.advance(31_000);
    const res = await first!.app.services.upstream.request({
      integratedAccountId: id,
      method: 'GET',
      url: esignatureBase({ baseUri: sim.origin, accountId }),
    });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    expect(sim.log.count({ grantType: 'refresh_token', status: 200 })).toBe(1);
  });
});
