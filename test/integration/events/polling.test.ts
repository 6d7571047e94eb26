import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopePollState, events } from '../../../src/db/schema/index';
import { createEnvelopePoller } from '../../../src/events/envelope-poller';
import { createEventsHarness, type EventsHarness } from '../../helpers/events';
import { startSubscriber, waitUntil } from '../../helpers/webhook-subscriber';

let h: EventsHarness;
let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
let secret: string;

const poller = (holder: string) =>
  createEnvelopePoller({
    ...h.app.services.events,
    upstream: h.app.services.upstream,
    logger: h.logger,
    holder,
    intervalMs: 60_000,
  });

beforeAll(async () => {
  h = await createEventsHarness();
  subscriber = await startSubscriber();
  ({ secret } = await h.subscribe({ url: subscriber.url }));
});

afterAll(async () => {
  await subscriber.close();
  await h.close();
});

describe('envelope status polling (Connect off)', () => {
  it('starts at the first pass, then turns status changes into the same signed events', async () => {
    expect(await poller('p1').runOnce()).toMatchObject({ started: 1, polled: 0 });
    const envelopeId = h.envelopeIn('sent', 0, { ownedByConnectedUser: true });
    h.sim.actions.completeEnvelope(envelopeId);
    expect(h.sim.connect.deliveries).toHaveLength(0);
    const pass = await poller('p1').runOnce();
    expect(pass).toMatchObject({ polled: 1, failed: 0 });
    expect(pass.events).toBeGreaterThanOrEqual(2);
    await h.worker.runOnce();
    await waitUntil(() =>
      subscriber
        .events()
        .some((e) => e.type === 'signing_request.completed' && e.data.signing_request.id === envelopeId),
    );
    const hit = subscriber.received.find((r) => JSON.parse(r.body).type === 'signing_request.completed')!;
    const body = new Webhook(secret).verify(hit.body, hit.headers) as {
      data: { signing_request: { status: unknown } };
    };
    expect(body.data.signing_request.status).toMatchObject({ id: 'completed' });
    const types = subscriber
      .events()
      .filter((e) => e.data.signing_request?.id === envelopeId)
      .map((e) => e.type);
    expect(types.at(-1)).toBe('signing_request.completed');
    expect(types).toContain('participant.signed');
  });

  it('keeps its checkpoint across restarts and records a change seen twice once', async () => {
    const [state] = await h.db
      .select()
      .from(envelopePollState)
      .where(
        and(
          eq(envelopePollState.integratedAccountId, h.integratedAccountId),
          eq(envelopePollState.accountId, h.accountId),
        ),
      );
    expect(state!.checkpoint).not.toBeNull();
    // A "restarted" process (new poller, new holder) reads from the stored checkpoint: nothing new, nothing twice.
    const again = await poller('p2').runOnce();
    expect(again).toMatchObject({ polled: 1, events: 0 });
    const envelopeId = h.envelopeIn('sent', 0, { ownedByConnectedUser: true });
    h.sim.actions.voidEnvelope(envelopeId, 'changed my mind');
    expect((await poller('p3').runOnce()).events).toBe(1);
    expect((await poller('p4').runOnce()).events).toBe(0);
    const voided = await h.db.select().from(events).where(eq(events.type, 'signing_request.voided'));
    expect(voided).toHaveLength(1);
  });

  it('records a change reported by both Connect and polling once', async () => {
    await h.enableConnect();
    const envelopeId = h.envelopeIn('sent', 1, { ownedByConnectedUser: true });
    h.sim.actions.completeEnvelope(envelopeId);
    await h.sim.connect.flush();
    expect(h.sim.connect.deliveries.some((d) => d.envelopeId === envelopeId && d.state === 'delivered')).toBe(
      true,
    );
    await poller('p5').runOnce();
    const completed = await h.db.select().from(events).where(eq(events.type, 'signing_request.completed'));
    expect(
      completed.filter((e) => (e.payload.signing_request as { id: string }).id === envelopeId),
    ).toHaveLength(1);
  });

  it('lets one poller per account work at a time across processes (lease)', async () => {
    const [a, b] = await Promise.all([poller('pa').runOnce(), poller('pb').runOnce()]);
    expect(a.busy + b.busy).toBe(1);
    expect(a.polled + b.polled).toBe(1);
  });
});
