import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../../src/db/schema/index';
import { createEnvelopePoller } from '../../../src/events/envelope-poller';
import { createDocusignSimulator } from '../../../src/sandbox/docusign/index';
import { testKeyPair } from '../../helpers/connected-app';
import { createTestApp } from '../../helpers/create-test-app';
import { simulatorDocusignConfig } from '../../helpers/docusign-connect';
import { createEventsHarness, type EventsHarness } from '../../helpers/events';
import { type IntegratedAccount, json } from '../../helpers/http';
import { jwtConnectBody } from '../../helpers/jwt-connect';
import { startSubscriber, waitUntil } from '../../helpers/webhook-subscriber';

let h: EventsHarness;
let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
let secret: string;

beforeAll(async () => {
  h = await createEventsHarness({ registerConnect: true });
  subscriber = await startSubscriber();
  ({ secret } = await h.subscribe({ url: subscriber.url }));
});

afterAll(async () => {
  await subscriber.close();
  await h.close();
});

const connection = async (id: string) =>
  json<IntegratedAccount>(await h.request(`/integrated-accounts/${id}`));
const connectUrl = (id: string) => `${h.gateway.url}/webhooks/docusign/${id}`;
/** The simulator account's Connect configurations that publish to a connection. */
const configurationsFor = (id: string, accountId = h.accountId) =>
  h.sim.account(accountId)!.connectConfigs.filter((c) => c.urlToPublishTo === connectUrl(id));

describe('Connect registration on DocuSign (read_write connection)', () => {
  it('registers a configuration publishing JSON with HMAC to the connection and says so on the connection', async () => {
    const ia = await connection(h.integratedAccountId);
    expect(ia.events.mode).toBe('connect');
    expect(ia.events.reason).toBeNull();
    const [registered] = configurationsFor(h.integratedAccountId);
    expect(registered).toBeDefined();
    expect(ia.events.connect_configurations).toEqual([
      { account_id: h.accountId, connect_id: registered!.connectId },
    ]);
    expect(registered).toMatchObject({
      includeHMAC: 'true',
      allUsers: 'true',
      eventData: { format: 'json', includeData: ['recipients', 'documents'] },
    });
    expect(registered!.events).toEqual(expect.arrayContaining(['envelope-completed', 'recipient-completed']));
  });

  it('delivers through that configuration: an envelope completes and the subscriber gets signing_request.completed', async () => {
    const [registered] = configurationsFor(h.integratedAccountId);
    const envelopeId = h.envelopeIn('sent');
    h.sim.actions.completeEnvelope(envelopeId);
    await h.sim.connect.flush();
    const ours = h.sim.connect.deliveries.filter(
      (d) => d.envelopeId === envelopeId && d.configurationId === registered!.connectId,
    );
    expect(ours.map((d) => d.event)).toContain('envelope-completed');
    expect(ours.every((d) => d.state === 'delivered')).toBe(true);
    await h.worker.runOnce();
    await waitUntil(() =>
      subscriber
        .events()
        .some((e) => e.type === 'signing_request.completed' && e.data.signing_request.id === envelopeId),
    );
    const hit = subscriber.received.find((r) => {
      const body = JSON.parse(r.body);
      return body.type === 'signing_request.completed' && body.data.signing_request.id === envelopeId;
    })!;
    expect(new Webhook(secret).verify(hit.body, hit.headers)).toMatchObject({
      integrated_account_id: h.integratedAccountId,
      data: { signing_request: { id: envelopeId, status: { id: 'completed' } } },
    });
  });

  it('removes the configuration when the permission drops to read, and registers it again for read_write', async () => {
    const id = await h.connect({ accountId: h.accountId });
    expect(configurationsFor(id)).toHaveLength(1);
    const toRead = await h.request(`/integrated-accounts/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permission: 'read' }),
    });
    const read = await json<IntegratedAccount>(toRead);
    expect(toRead.status).toBe(200);
    expect(read.events).toMatchObject({ mode: 'polling', connect_configurations: [] });
    expect(read.events.reason).toMatch(/read-only/i);
    expect(configurationsFor(id)).toHaveLength(0);
    const back = await json<IntegratedAccount>(
      await h.request(`/integrated-accounts/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ permission: 'read_write' }),
      }),
    );
    expect(back.events.mode).toBe('connect');
    expect(configurationsFor(id)).toHaveLength(1);
  });

  it('removes the configuration from DocuSign when the connection is deleted', async () => {
    const id = await h.connect({ accountId: h.accountId });
    const [registered] = configurationsFor(id);
    expect(registered).toBeDefined();
    const res = await h.request(`/integrated-accounts/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(
      h.sim.account(h.accountId)!.connectConfigs.some((c) => c.connectId === registered!.connectId),
    ).toBe(false);
    const path = `/restapi/v2.1/accounts/${h.accountId}/connect/${registered!.connectId}`;
    expect(h.sim.log.count({ method: 'DELETE', pathPrefix: path })).toBe(1);
  });

  it('registers nothing for a read-only connection and says it is polling', async () => {
    const id = await h.connect({ accountId: h.accountId, permission: 'read' });
    const ia = await connection(id);
    expect(ia.events).toMatchObject({ mode: 'polling', connect_configurations: [] });
    expect(ia.events.reason).toMatch(/read-only/i);
    expect(configurationsFor(id)).toHaveLength(0);
  });
});

describe('Connect not on the DocuSign plan', () => {
  it("keeps the connection active, shows DocuSign's refusal, and polling reports the changes", async () => {
    h.sim.account(h.accountId)!.plan.connectIncluded = false;
    try {
      const id = await h.connect({ accountId: h.accountId });
      const ia = await connection(id);
      expect(ia.status).toBe('active');
      expect(ia.events).toMatchObject({ mode: 'polling', connect_configurations: [] });
      expect(ia.events.reason).toContain('ACCOUNT_LACKS_PERMISSIONS');
      expect(configurationsFor(id)).toHaveLength(0);

      const poller = createEnvelopePoller({
        ...h.app.services.events,
        logger: h.logger,
        holder: 'registration-test',
        intervalMs: 60_000,
      });
      await poller.runOnce(); // the first pass sets each account's checkpoint
      const envelopeId = h.envelopeIn('sent', 1, { ownedByConnectedUser: true });
      h.sim.actions.completeEnvelope(envelopeId);
      await poller.runOnce();
      const completed = await h.db
        .select()
        .from(events)
        .where(and(eq(events.integratedAccountId, id), eq(events.type, 'signing_request.completed')));
      expect(completed.map((e) => (e.payload.signing_request as { id: string }).id)).toContain(envelopeId);
    } finally {
      h.sim.account(h.accountId)!.plan.connectIncluded = undefined;
    }
  });
});

describe('a PUBLIC_URL DocuSign cannot publish to', () => {
  it('registers nothing on DocuSign (demo) when PUBLIC_URL is not https, and says so on the connection', async () => {
    const keys = await testKeyPair();
    const sim = createDocusignSimulator({
      defaultClientPublicKeyPem: keys.publicKeyPem,
      scale: { users: 5, envelopes: 2, templates: 1, groups: 1 },
    });
    sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
    // The simulator stands in for DocuSign's demo environment, so the gateway applies DocuSign's https rule.
    const t = await createTestApp({
      fetch: sim.fetch,
      sleep: async () => {},
      docusign: {
        defaultEnvironment: 'demo',
        environments: { demo: simulatorDocusignConfig(sim).environments.sandbox! },
      },
      config: { publicUrl: 'http://gateway.test', events: { registerConnect: true } },
    });
    try {
      const res = await t.request('/integrated-accounts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(jwtConnectBody(sim, keys.privateKeyPem, { permission: 'read_write' })),
      });
      const ia = await json<IntegratedAccount>(res);
      expect(res.status).toBe(201);
      expect(ia).toMatchObject({ status: 'active', docusign_environment: 'demo' });
      expect(ia.events).toMatchObject({ mode: 'polling', connect_configurations: [] });
      expect(ia.events.reason).toContain('not an https URL');
      expect(
        sim.log.count({ pathPrefix: `/restapi/v2.1/accounts/${sim.defaults.accountIds[0]}/connect` }),
      ).toBe(0);
    } finally {
      await t.close();
    }
  });
});
