import { setEnvelopeOwner } from '../../src/sandbox/docusign/envelope-owner-index';
import { createDeliveryWorker, type DeliveryWorkerOptions } from '../../src/webhooks/delivery-worker';
import { createConnectedApp } from './connected-app';
import { json } from './http';
import { listen } from './http-server';

/** The Connect HMAC key the simulator signs with in these tests. */
export const CONNECT_KEY = 'connect-hmac-key-0123456789abcdefghijklmnop';

/**
 * A gateway over real HTTP (127.0.0.1), wired to an in-process simulator whose Connect messages are signed with
 * CONNECT_KEY, one read_write connection with that key registered, and a delivery worker with short retries.
 * `registerConnect`: the gateway's PUBLIC_URL is its real address and it registers its own Connect configuration.
 */
export async function createEventsHarness(
  options: {
    worker?: Partial<DeliveryWorkerOptions>;
    connectFetch?: (req: Request) => Promise<Response>;
    registerConnect?: boolean;
  } = {},
) {
  let handle: (req: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const gateway = await listen((req) => handle(req));
  const t = await createConnectedApp({
    sim: {
      scale: { users: 12, envelopes: 30, templates: 2, groups: 2 },
      connect: { hmacKeys: [CONNECT_KEY], retry: { attempts: 3, baseDelayMs: 20 } },
    },
    app: {
      config: {
        webhooks: { allowPrivateUrls: true },
        ...(options.registerConnect ? { publicUrl: gateway.url, events: { registerConnect: true } } : {}),
      },
    },
  });
  handle = (req) => t.app.fetch(req);
  const accountId = t.sim.defaults.accountIds[0]!;
  const integratedAccountId = await t.connect({ accountId });
  const keyRes = await t.request(`/integrated-accounts/${integratedAccountId}/connect-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: CONNECT_KEY }),
  });
  if (keyRes.status !== 201)
    throw new Error(`connect key: ${keyRes.status} ${JSON.stringify(await json(keyRes))}`);
  const worker = createDeliveryWorker({
    db: t.db,
    vault: t.app.services.webhooks.vault,
    fetch: (input, init) => fetch(input, init),
    now: Date.now,
    holder: `test-${crypto.randomUUID()}`,
    logger: t.logger,
    urlPolicy: t.app.services.webhooks.urlPolicy,
    intervalMs: 30,
    retry: { baseDelayMs: 40, maxDelayMs: 200 },
    failingAfter: 3,
    ...options.worker,
  });

  /** Adds a Connect configuration on the simulator account that publishes to the gateway over HTTP. */
  const enableConnect = async (events: string[] = []) => {
    const token = t.sim.issueTokens().access_token;
    const res = await t.sim.fetch(`${t.sim.origin}/restapi/v2.1/accounts/${accountId}/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'gateway',
        urlToPublishTo: `${gateway.url}/webhooks/docusign/${integratedAccountId}`,
        configurationType: 'custom',
        allUsers: 'true',
        includeHMAC: 'true',
        events:
          events.length > 0
            ? events
            : [
                'envelope-sent',
                'envelope-delivered',
                'envelope-completed',
                'envelope-declined',
                'envelope-voided',
                'recipient-completed',
              ],
        eventData: { version: 'restv2.1', format: 'json', includeData: ['recipients', 'documents'] },
      }),
    });
    if (res.status !== 201) throw new Error(`sim connect config: ${res.status} ${await res.text()}`);
  };

  /** Creates a subscription and returns it with its secret. */
  const subscribe = async (body: Record<string, unknown>) => {
    const res = await t.request('/webhook-subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const created = await json(res);
    if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(created)}`);
    return created as { id: string; secret: string; status: string };
  };

  /** An envelope of the connected account in `status` (sent ones can be completed, declined or voided). */
  const envelopeIn = (status: string, skip = 0, options: { ownedByConnectedUser?: boolean } = {}) => {
    const account = t.sim.account(accountId)!;
    const found = account.envelopes.filter(
      (e) => e.status === status && e.recipients.some((r) => r.type === 'signer'),
    );
    const envelope = found[skip];
    if (!envelope) throw new Error(`no ${status} envelope #${skip}`);
    if (options.ownedByConnectedUser) {
      // Envelope lists show the caller's envelopes (as DocuSign does): make the connected user its sender.
      setEnvelopeOwner(account, envelope, t.sim.defaults.userId);
      envelope.senderUserId = t.sim.defaults.userId;
    }
    return envelope.envelopeId;
  };

  return {
    ...t,
    gateway,
    accountId,
    integratedAccountId,
    worker,
    enableConnect,
    subscribe,
    envelopeIn,
    async close() {
      await worker.stop();
      await gateway.close();
      await t.close();
    },
  };
}

export type EventsHarness = Awaited<ReturnType<typeof createEventsHarness>>;
