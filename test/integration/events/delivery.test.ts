import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventDraft, recordEvents } from '../../../src/events/record-events';
import { createTestApp } from '../../helpers/create-test-app';
import { createEventsHarness, type EventsHarness } from '../../helpers/events';
import { json } from '../../helpers/http';
import { startSubscriber, waitUntil } from '../../helpers/webhook-subscriber';

let h: EventsHarness;

beforeAll(async () => {
  h = await createEventsHarness();
});

afterAll(async () => {
  await h.close();
});

let counter = 0;
/** `n` synthetic signing-request events on `streams` signing requests, in order. */
function drafts(n: number, streams = 1): EventDraft[] {
  const batch = ++counter;
  return Array.from({ length: n }, (_, i) => ({
    environmentId: h.environmentId,
    type: 'signing_request.sent' as const,
    integratedAccountId: h.integratedAccountId,
    accountId: h.accountId,
    data: { signing_request: { id: `env-${batch}-${i % streams}` }, n: i },
    dedupKey: `test:${batch}:${i}`,
    streamKey: `signing_request:${h.integratedAccountId}:env-${batch}-${i % streams}`,
    occurredAt: new Date(),
  }));
}

/** Runs delivery passes until `check` holds. */
async function deliverUntil(check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  await waitUntil(async () => {
    await h.worker.runOnce();
    return check();
  }, timeoutMs);
}

describe('webhook deliveries (outbox)', () => {
  it('delivers to a subscriber that was down for a while, later, in order per signing request', async () => {
    let up = false;
    const sub = await startSubscriber({ respond: () => (up ? 200 : 503) });
    const { id } = await h.subscribe({ url: sub.url, event_types: ['signing_request.sent'] });
    await recordEvents(h.db, drafts(6, 2));
    for (let i = 0; i < 3; i++) await h.worker.runOnce();
    expect(sub.received).toHaveLength(0);
    const log = await json(await h.request(`/webhook-subscriptions/${id}/deliveries?status=pending`));
    expect(log.result.length).toBeGreaterThan(0);
    expect(
      log.result.flatMap((d: { attempts: { response_status: number }[] }) => d.attempts)[0].response_status,
    ).toBe(503);
    up = true;
    await deliverUntil(() => sub.received.length >= 6);
    const seen = sub.events().map((e) => e.data.n);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Per signing request (stream), order is kept: even n on one, odd on the other.
    expect(seen.filter((n: number) => n % 2 === 0)).toEqual([0, 2, 4]);
    expect(seen.filter((n: number) => n % 2 === 1)).toEqual([1, 3, 5]);
    await h.request(`/webhook-subscriptions/${id}`, { method: 'DELETE' });
    await sub.close();
  });

  it('marks a permanently failing subscription failing while another keeps receiving', async () => {
    const broken = await startSubscriber({ respond: () => 500 });
    const healthy = await startSubscriber();
    const bad = await h.subscribe({ url: broken.url, event_types: ['signing_request.sent'] });
    await h.subscribe({ url: healthy.url, event_types: ['signing_request.sent'] });
    await recordEvents(h.db, drafts(5, 5));
    await deliverUntil(() => healthy.received.length >= 5);
    await deliverUntil(
      async () => (await json(await h.request(`/webhook-subscriptions/${bad.id}`))).status === 'failing',
    );
    await recordEvents(h.db, drafts(3, 3));
    await deliverUntil(() => healthy.received.length >= 8);
    const failing = await json(await h.request(`/webhook-subscriptions/${bad.id}`));
    expect(failing.status).toBe('failing');
    expect(failing.consecutive_failures).toBeGreaterThanOrEqual(3);
    // Manual redelivery of one logged delivery, once the subscriber works again.
    broken.setRespond(() => 200);
    const log = await json(await h.request(`/webhook-subscriptions/${bad.id}/deliveries?limit=1`));
    const redeliver = await h.request(
      `/webhook-subscriptions/${bad.id}/deliveries/${log.result[0].id}/redeliver`,
      {
        method: 'POST',
      },
    );
    expect(redeliver.status).toBe(202);
    await deliverUntil(() => broken.received.some((r) => r.headers['webhook-id'] === log.result[0].event_id));
    expect((await json(await h.request(`/webhook-subscriptions/${bad.id}`))).status).toBe('active');
    await broken.close();
    await healthy.close();
  });

  it('gives up after the retry window and logs every attempt', async () => {
    const sub = await startSubscriber({ respond: () => 500 });
    const { id } = await h.subscribe({ url: sub.url, event_types: ['signing_request.sent'] });
    const worker = (await import('../../../src/webhooks/delivery-worker')).createDeliveryWorker({
      db: h.db,
      vault: h.app.services.webhooks.vault,
      fetch: (input, init) => fetch(input, init),
      now: Date.now,
      holder: 'short-window',
      logger: h.logger,
      urlPolicy: h.app.services.webhooks.urlPolicy,
      intervalMs: 30,
      retry: { baseDelayMs: 20, maxDelayMs: 40, windowMs: 300 },
    });
    await recordEvents(h.db, drafts(1));
    await waitUntil(async () => {
      await worker.runOnce();
      const log = await json(await h.request(`/webhook-subscriptions/${id}/deliveries?status=failed`));
      return log.result_count === 1;
    });
    const log = await json(await h.request(`/webhook-subscriptions/${id}/deliveries`));
    expect(log.result[0].status).toBe('failed');
    expect(log.result[0].attempts.length).toBeGreaterThanOrEqual(2);
    expect(log.result[0].attempts.every((a: { response_status: number }) => a.response_status === 500)).toBe(
      true,
    );
    await h.request(`/webhook-subscriptions/${id}`, { method: 'DELETE' });
    await sub.close();
  });

  it('signs with the old and the new secret after a rotation, the new one only when asked', async () => {
    const sub = await startSubscriber();
    const created = await h.subscribe({ url: sub.url, event_types: ['signing_request.sent'] });
    const rotated = await json(
      await h.request(`/webhook-subscriptions/${created.id}/rotate-secret`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ previous_secret_valid_seconds: 3600 }),
      }),
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    await recordEvents(h.db, drafts(1));
    await deliverUntil(() => sub.received.length >= 1);
    const hit = sub.received[0]!;
    expect(hit.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(created.secret).verify(hit.body, hit.headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(hit.body, hit.headers)).not.toThrow();
    await h.request(`/webhook-subscriptions/${created.id}/rotate-secret`, { method: 'POST' });
    const got = await json(await h.request(`/webhook-subscriptions/${created.id}`));
    expect(got).not.toHaveProperty('secret');
    await h.request(`/webhook-subscriptions/${created.id}`, { method: 'DELETE' });
    await sub.close();
  });

  it('sends only the event types and connections a subscription asks for', async () => {
    const sub = await startSubscriber();
    const { id } = await h.subscribe({ url: sub.url, event_types: ['signing_request.completed'] });
    await recordEvents(h.db, drafts(2));
    await h.worker.runOnce();
    const other = await h.subscribe({ url: sub.url, integrated_account_ids: [h.integratedAccountId] });
    const unknown = await h.request('/webhook-subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: sub.url, integrated_account_ids: ['ia_nope'] }),
    });
    expect(unknown.status).toBe(400);
    expect(sub.received).toHaveLength(0);
    for (const s of [id, other.id]) await h.request(`/webhook-subscriptions/${s}`, { method: 'DELETE' });
    await sub.close();
  });
});

describe('integrated_account.* events', () => {
  it('sends integrated_account.active on connect and .deleted on delete, with the connection', async () => {
    const sub = await startSubscriber();
    const { id, secret } = await h.subscribe({
      url: sub.url,
      event_types: ['integrated_account.active', 'integrated_account.deleted'],
    });
    const connection = await h.connect({ accountId: h.accountId });
    expect((await h.request(`/integrated-accounts/${connection}`, { method: 'DELETE' })).status).toBe(200);
    // Only this connection's events: the harness's own connection event may still be undispatched.
    const mine = () => sub.received.filter((r) => JSON.parse(r.body).integrated_account_id === connection);
    await deliverUntil(() => mine().length >= 2);
    const got = mine().map((r) => new Webhook(secret).verify(r.body, r.headers) as Record<string, unknown>);
    expect(got.map((e) => e.type)).toEqual(['integrated_account.active', 'integrated_account.deleted']);
    expect(got[0]).toMatchObject({
      integrated_account_id: connection,
      data: { integrated_account: { id: connection, status: 'active' } },
    });
    await h.request(`/webhook-subscriptions/${id}`, { method: 'DELETE' });
    await sub.close();
  });
});

describe('POST /webhook-subscriptions (URL policy)', () => {
  it('requires https to a public address unless WEBHOOKS_ALLOW_PRIVATE_URLS is set', async () => {
    const t = await createTestApp({ resolveHost: async () => ['10.1.2.3'] });
    const post = (url: string) =>
      t.request('/webhook-subscriptions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://localhost:8443/x',
      'https://10.0.0.5/x',
      'https://192.168.1.10/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://user:pw@hooks.example.com/x',
      'http://gateway.test/webhooks',
      'https://resolves-private.example.com/x',
      'not a url',
    ]) {
      const res = await post(url);
      expect(res.status, url).toBe(400);
      expect((await json(res)).error.code).toBe('invalid_request');
    }
    const t2 = await createTestApp({ resolveHost: async () => ['93.184.215.14'] });
    const ok = await t2.request('/webhook-subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.com/docusign' }),
    });
    expect(ok.status).toBe(201);
    const created = await json(ok);
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await json(await t2.request('/webhook-subscriptions'));
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const patched = await t2.request(`/webhook-subscriptions/${created.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://10.0.0.1/x' }),
    });
    expect(patched.status).toBe(400);
    const unauth = await t2.app.request('/webhook-subscriptions');
    expect(unauth.status).toBe(401);
    await t.close();
    await t2.close();
  });
});
