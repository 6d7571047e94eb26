import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefreshScheduler } from '../../../src/credentials/refresh-scheduler';
import { integratedAccounts } from '../../../src/db/schema/index';
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
const MINUTE = 60_000;
const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

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
    publicKeyPem: keys.publicKeyPem,
    accessTokenTtlSeconds: 3600,
    jwtAccessTokenTtlSeconds: 3600,
  });
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  gateways = await createGatewayInstances(2, {
    publicUrl: GATEWAY,
    now: clock.now,
    fetch: sim.fetch,
    docusign: simulatorDocusignConfig(sim),
  });
});

afterAll(async () => {
  await gateways.close();
});

async function connectCodeGrant(gateway: GatewayInstance): Promise<string> {
  const { link_url } = await json(
    await gateway.request('/link-tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ return_url: 'https://app.example.com/done' }),
    }),
  );
  const { callback } = await walkCodeGrant(inProcessTransport(gateway.app, GATEWAY, sim), link_url, {});
  return new URL(callback.headers.get('location')!).searchParams.get('integrated_account_id')!;
}

async function connectJwt(gateway: GatewayInstance): Promise<string> {
  const res = await gateway.request('/integrated-accounts', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(jwtConnectBody(sim, privateKeyPem)),
  });
  expect(res.status).toBe(201);
  return (await json<IntegratedAccount>(res)).id;
}

async function expiresAt(id: string): Promise<number> {
  const [row] = await gateways.db
    .select({ at: integratedAccounts.accessTokenExpiresAt })
    .from(integratedAccounts)
    .where(eq(integratedAccounts.id, id));
  return row!.at!.getTime();
}

function scheduler(gateway: GatewayInstance) {
  return createRefreshScheduler({
    db: gateways.db,
    tokens: gateway.app.services.tokens,
    logger: gateway.logger,
    now: clock.now,
    intervalMs: 5 * MINUTE,
    horizonMs: 15 * MINUTE,
  });
}

describe(`refresh scheduler (two schedulers on ${usingRealPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('refreshes idle connections nearing expiry once, however many schedulers run, and leaves fresh ones alone', async () => {
    const [a, b] = gateways.instances as [GatewayInstance, GatewayInstance];
    const codeId = await connectCodeGrant(a);
    const jwtId = await connectJwt(a);
    // 50 minutes later both expire within the 15-minute horizon (but outside the 5-minute on-demand margin).
    clock.advance(50 * MINUTE);
    const freshId = await connectCodeGrant(b);
    const before = {
      code: await expiresAt(codeId),
      jwt: await expiresAt(jwtId),
      fresh: await expiresAt(freshId),
    };
    sim.log.clear();

    const counts = await Promise.all([scheduler(a).runOnce(), scheduler(b).runOnce()]);

    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
    expect(sim.log.count({ grantType: JWT_GRANT })).toBe(1);
    expect(sim.log.count({ api: 'oauth', status: 400 })).toBe(0);
    // Whichever scheduler queried first saw both due connections (the other may find fewer, already refreshed).
    expect(Math.max(...counts)).toBe(2);
    expect(await expiresAt(codeId)).toBe(clock.now() + 3600 * 1000);
    expect(await expiresAt(jwtId)).toBe(clock.now() + 3600 * 1000);
    expect(await expiresAt(freshId)).toBe(before.fresh);
    expect(before.code).toBeLessThan(clock.now() + 15 * MINUTE);

    // Nothing is due any more: a second pass calls nobody.
    sim.log.clear();
    await Promise.all([scheduler(a).runOnce(), scheduler(b).runOnce()]);
    expect(sim.log.count({ api: 'oauth' })).toBe(0);

    // The refreshed code-grant connection keeps working with its rotated refresh token.
    clock.advance(60 * MINUTE);
    await scheduler(b).runOnce();
    expect(sim.log.count({ grantType: 'refresh_token', status: 200 })).toBe(2);
    for (const id of [codeId, jwtId, freshId]) {
      expect((await json(await a.request(`/integrated-accounts/${id}`))).status).toBe('active');
    }
  });

  it('skips connections that need re-authorization, and records a failed refresh without throwing', async () => {
    const [a] = gateways.instances as [GatewayInstance];
    const stuckId = await connectCodeGrant(a);
    await gateways.db
      .update(integratedAccounts)
      .set({ status: 'needs_reauth' })
      .where(eq(integratedAccounts.id, stuckId));
    const stuckExpiry = await expiresAt(stuckId);
    const revokedId = await connectJwt(a);
    sim.revokeConsent(sim.defaults.userId, sim.defaults.clientId);
    try {
      clock.advance(55 * MINUTE);
      await expect(scheduler(a).runOnce()).resolves.toBeTypeOf('number');
    } finally {
      sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
    }

    expect(await expiresAt(stuckId)).toBe(stuckExpiry);
    const [revoked] = await gateways.db
      .select()
      .from(integratedAccounts)
      .where(eq(integratedAccounts.id, revokedId));
    expect(revoked!.status).toBe('needs_reauth');
    expect(revoked!.lastError).toContain('consent_required');
    const warning = a.logger.lines.find(
      (line) => line.includes('scheduled token refresh failed') && line.includes(revokedId),
    );
    expect(warning).toBeDefined();
  });
});
