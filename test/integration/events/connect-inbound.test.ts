import { count, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHmacKeys, events, webhookSubscriptions } from '../../../src/db/schema/index';
import { connectSignature } from '../../../src/sandbox/docusign/connect-delivery';
import { CONNECT_KEY, createEventsHarness, type EventsHarness } from '../../helpers/events';
import { json } from '../../helpers/http';
import { startSubscriber, waitUntil } from '../../helpers/webhook-subscriber';

let h: EventsHarness;
let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
let secret: string;

beforeAll(async () => {
  h = await createEventsHarness();
  subscriber = await startSubscriber();
  ({ secret } = await h.subscribe({ url: subscriber.url }));
  await h.enableConnect();
});

afterAll(async () => {
  await subscriber.close();
  await h.close();
});

const storedEvents = async () => (await h.db.select({ n: count() }).from(events)).at(0)!.n;

/** A Connect message as the simulator sends it, for a sent envelope of the connected account. */
function connectMessage(overrides: Record<string, unknown> = {}) {
  const envelopeId = h.envelopeIn('sent', 3);
  return JSON.stringify({
    event: 'envelope-voided',
    apiVersion: 'v2.1',
    generatedDateTime: '2026-11-23T12:00:00.000Z',
    data: {
      accountId: h.accountId,
      envelopeId,
      envelopeSummary: {
        envelopeId,
        status: 'voided',
        emailSubject: 'Please sign',
        voidedDateTime: '2026-11-23T11:59:00.000Z',
        voidedReason: 'test',
      },
    },
    ...overrides,
  });
}

async function postConnect(body: string, headers: Record<string, string>, id = h.integratedAccountId) {
  return fetch(`${h.gateway.url}/webhooks/docusign/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('DocuSign Connect → gateway → subscriber (real HTTP)', () => {
  it('delivers signing_request.completed with the unified record and a valid Standard Webhooks signature', async () => {
    const envelopeId = h.envelopeIn('sent');
    h.sim.actions.completeEnvelope(envelopeId);
    await h.sim.connect.flush();
    expect(
      h.sim.connect.deliveries
        .filter((d) => d.envelopeId === envelopeId)
        .every((d) => d.state === 'delivered'),
    ).toBe(true);
    await h.worker.runOnce();
    await waitUntil(() =>
      subscriber
        .events()
        .some((e) => e.type === 'signing_request.completed' && e.data.signing_request.id === envelopeId),
    );
    const hit = subscriber.received.find((r) => JSON.parse(r.body).type === 'signing_request.completed')!;
    const verified = new Webhook(secret).verify(hit.body, hit.headers) as Record<string, unknown>;
    expect(verified).toMatchObject({
      type: 'signing_request.completed',
      integrated_account_id: h.integratedAccountId,
      account_id: h.accountId,
      data: { signing_request: { id: envelopeId, status: { id: 'completed' } } },
    });
    expect(hit.headers['webhook-id']).toBe((verified as { id: string }).id);
    expect((verified as { id: string }).id).toMatch(/^evt_/);
    // The recipient's signature is reported too. DocuSign's Connect deliveries run concurrently and may arrive in any
    // order, so the order here is arrival order (delivery order per signing request is tested in delivery.test.ts).
    const forEnvelope = subscriber.events().filter((e) => e.data.signing_request?.id === envelopeId);
    expect(forEnvelope.filter((e) => e.type === 'signing_request.completed')).toHaveLength(1);
    expect(forEnvelope.some((e) => e.type === 'participant.signed')).toBe(true);
  });

  it('rejects a tampered body and a stale timestamp (standardwebhooks)', () => {
    const hit = subscriber.received.find((r) => JSON.parse(r.body).type === 'signing_request.completed')!;
    const wh = new Webhook(secret);
    expect(() => wh.verify(hit.body.replace('completed', 'declined'), hit.headers)).toThrow();
    const stale = { ...hit.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
    expect(() => wh.verify(hit.body, stale)).toThrow();
  });

  it('stores a redelivered message (same envelope, status and generatedDateTime) once', async () => {
    const body = connectMessage();
    const headers = { 'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, body) };
    const before = await storedEvents();
    const first = await postConnect(body, headers);
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual({ received: true, stored: 1 });
    const again = await postConnect(body, headers);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual({ received: true, stored: 0 });
    expect(await storedEvents()).toBe(before + 1);
  });

  it('accepts any of several signatures while keys rotate', async () => {
    const body = connectMessage({ generatedDateTime: '2026-11-23T12:05:00.000Z' });
    const res = await postConnect(body, {
      'X-DocuSign-Signature-1': await connectSignature('an-old-key-that-was-removed-000', body),
      'X-DocuSign-Signature-2': await connectSignature(CONNECT_KEY, body),
    });
    expect(res.status).toBe(200);
  });

  it("carries the signing request as mapped, with the environment's mapping overrides applied", async () => {
    const put = await h.request('/mapping-overrides/e-signature/signing-requests', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ field: 'subject_line', spec: 'emailSubject' }),
    });
    expect(put.status).toBeLessThan(300);
    const body = connectMessage({ generatedDateTime: '2026-11-23T12:10:00.000Z' });
    const parsed = JSON.parse(body);
    parsed.data.envelopeSummary.voidedDateTime = '2026-11-23T12:09:00.000Z';
    const text = JSON.stringify(parsed);
    const res = await postConnect(text, {
      'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, text),
    });
    expect(await json(res)).toEqual({ received: true, stored: 1 });
    const [stored] = await h.db
      .select()
      .from(events)
      .where(
        eq(
          events.dedupKey,
          `${h.integratedAccountId}:${h.accountId}:${parsed.data.envelopeId}:signing_request.voided::2026-11-23T12:09:00.000Z`,
        ),
      );
    expect(stored!.payload).toMatchObject({
      signing_request: { id: parsed.data.envelopeId, subject_line: 'Please sign', status: { id: 'voided' } },
    });
  });

  it('answers 401 and stores nothing for a bad or missing signature', async () => {
    const body = connectMessage({ event: 'envelope-declined' });
    const before = await storedEvents();
    const bad = await postConnect(body, {
      'X-DocuSign-Signature-1': await connectSignature('not-the-key-0123456789abcdef', body),
    });
    expect(bad.status).toBe(401);
    expect((await json(bad)).error.code).toBe('unauthorized');
    const missing = await postConnect(body, {});
    expect(missing.status).toBe(401);
    const tampered = await postConnect(body.replace('voided', 'completed'), {
      'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, body),
    });
    expect(tampered.status).toBe(401);
    expect(await storedEvents()).toBe(before);
  });

  it('reads the envelope from DocuSign when the message carries only ids (no includeData)', async () => {
    const envelopeId = h.envelopeIn('completed');
    const signers = h.sim
      .account(h.accountId)!
      .envelopesById.get(envelopeId)!
      .recipients.filter((r) => r.type === 'signer').length;
    expect(signers).toBeGreaterThan(0);
    const body = JSON.stringify({
      event: 'envelope-completed',
      apiVersion: 'v2.1',
      generatedDateTime: '2026-11-23T12:30:00.000Z',
      data: { accountId: h.accountId, envelopeId },
    });
    const envelopePath = `/restapi/v2.1/accounts/${h.accountId}/envelopes/${envelopeId}`;
    const reads = h.sim.log.count({ method: 'GET', pathPrefix: envelopePath });
    const res = await postConnect(body, {
      'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, body),
    });
    expect(await json(res)).toEqual({ received: true, stored: 1 });
    expect(h.sim.log.count({ method: 'GET', pathPrefix: envelopePath })).toBe(reads + 1);
    const stored = (
      await h.db.select().from(events).where(eq(events.type, 'signing_request.completed'))
    ).find((e) => (e.payload.signing_request as { id?: string }).id === envelopeId);
    const record = stored!.payload.signing_request as { status: unknown; participants: unknown[] };
    expect(record.status).toMatchObject({ id: 'completed' });
    expect(record.participants.length).toBeGreaterThanOrEqual(signers);

    // An event the gateway does not publish is acknowledged without reading the envelope.
    const other = JSON.stringify({ ...JSON.parse(body), event: 'envelope-created' });
    const ack = await postConnect(other, {
      'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, other),
    });
    expect(await json(ack)).toEqual({ received: true, stored: 0 });
    expect(h.sim.log.count({ method: 'GET', pathPrefix: envelopePath })).toBe(reads + 1);
  });

  it('answers 400 and stores nothing for malformed JSON or a message without an envelope id', async () => {
    const before = await storedEvents();
    const broken = '{"event": "envelope-completed", ';
    const res = await postConnect(broken, {
      'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, broken),
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('invalid_request');
    const partial = JSON.stringify({ event: 'envelope-completed', data: { accountId: h.accountId } });
    const res2 = await postConnect(partial, {
      'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, partial),
    });
    expect(res2.status).toBe(400);
    expect(await storedEvents()).toBe(before);
  });

  it('answers 404 and stores nothing for an unknown connection', async () => {
    const before = await storedEvents();
    const body = connectMessage();
    const res = await postConnect(
      body,
      { 'X-DocuSign-Signature-1': await connectSignature(CONNECT_KEY, body) },
      'ia_unknown',
    );
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
    expect(await storedEvents()).toBe(before);
  });

  it('stores the Connect key and the subscription secret sealed, never in plaintext', async () => {
    const stored = JSON.stringify([
      await h.db.select().from(connectHmacKeys),
      await h.db.select().from(webhookSubscriptions),
    ]);
    expect(stored).not.toContain(CONNECT_KEY);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice('whsec_'.length));
  });

  it('verifies with a key as soon as it is added and refuses it as soon as it is removed', async () => {
    const second = 'a-rotated-connect-key-0123456789';
    const body = connectMessage({
      event: 'envelope-declined',
      generatedDateTime: '2026-11-23T12:20:00.000Z',
    });
    const signed = { 'X-DocuSign-Signature-1': await connectSignature(second, body) };
    expect((await postConnect(body, signed)).status).toBe(401);
    const added = await json<{ id: string }>(
      await h.request(`/integrated-accounts/${h.integratedAccountId}/connect-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: second }),
      }),
    );
    expect((await postConnect(body, signed)).status).toBe(200);
    await h.request(`/integrated-accounts/${h.integratedAccountId}/connect-keys/${added.id}`, {
      method: 'DELETE',
    });
    expect((await postConnect(body, signed)).status).toBe(401);
  });

  it('lists, adds and removes Connect keys without showing them', async () => {
    const list = await json(await h.request(`/integrated-accounts/${h.integratedAccountId}/connect-keys`));
    expect(list.result).toHaveLength(1);
    expect(list.result[0].hint).toBe(CONNECT_KEY.slice(-4));
    expect(JSON.stringify(list)).not.toContain(CONNECT_KEY);
    expect(list.connect_url).toBe(`http://gateway.test/webhooks/docusign/${h.integratedAccountId}`);
    const added = await json(
      await h.request(`/integrated-accounts/${h.integratedAccountId}/connect-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'a-second-connect-key-for-rotation' }),
      }),
    );
    const removed = await h.request(
      `/integrated-accounts/${h.integratedAccountId}/connect-keys/${added.id}`,
      {
        method: 'DELETE',
      },
    );
    expect(removed.status).toBe(200);
    const [row] = await h.db
      .select({ n: count() })
      .from(events)
      .where(eq(events.type, 'signing_request.voided'));
    expect(row!.n).toBeGreaterThanOrEqual(1);
  });
});
