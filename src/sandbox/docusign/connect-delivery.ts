/**
 * Connect: publishes envelope events to every matching `/connect` configuration, signed with HMAC-SHA256.
 *
 * The payload follows DocuSign's documented "JSON SIM" Connect message shape (event, apiVersion, uri, retryCount,
 * configurationId, generatedDateTime, data{accountId,userId,envelopeId,envelopeSummary}). That shape is NOT in
 * the OpenAPI specs; it is general knowledge of DocuSign's Connect documentation.
 */
import type { ConnectEvent } from './envelope-lifecycle';
import { envelopeView, iso } from './esignature-views';
import type { SimAccount, SimConnectConfig, SimEnvelope, SimState } from './state';

export interface ConnectRetryOptions {
  /** Total attempts per message (default 4). */
  attempts?: number;
  /** First backoff delay; doubles per attempt (default 1000 ms). */
  baseDelayMs?: number;
}

export interface ConnectOptions {
  /** Used to deliver messages (default: global fetch). Tests inject a recorder or msw. */
  fetch?: (input: Request) => Promise<Response>;
  /** HMAC keys per account GUID, or one list used for every account. */
  hmacKeys?: Record<string, string[]> | string[];
  retry?: ConnectRetryOptions;
}

export interface ConnectDelivery {
  configurationId: string;
  accountId: string;
  envelopeId: string;
  event: ConnectEvent;
  url: string;
  attempts: number;
  /** Status of the last attempt (0 for a network error). */
  lastStatus: number;
  state: 'pending' | 'delivered' | 'failed';
}

// Legacy `envelopeEvents` / `recipientEvents` names for each JSON SIM event.
const LEGACY: Record<ConnectEvent, { list: 'envelopeEvents' | 'recipientEvents'; name: string }> = {
  'envelope-sent': { list: 'envelopeEvents', name: 'sent' },
  'envelope-delivered': { list: 'envelopeEvents', name: 'delivered' },
  'envelope-completed': { list: 'envelopeEvents', name: 'completed' },
  'envelope-declined': { list: 'envelopeEvents', name: 'declined' },
  'envelope-voided': { list: 'envelopeEvents', name: 'voided' },
  'recipient-sent': { list: 'recipientEvents', name: 'sent' },
  'recipient-delivered': { list: 'recipientEvents', name: 'delivered' },
  'recipient-completed': { list: 'recipientEvents', name: 'completed' },
  'recipient-declined': { list: 'recipientEvents', name: 'declined' },
};

function wants(config: SimConnectConfig, event: ConnectEvent, senderUserId: string): boolean {
  if (config.allUsers !== 'true' && !config.userIds.includes(senderUserId)) return false;
  if (config.events.length > 0) return config.events.includes(event);
  const legacy = LEGACY[event];
  return config[legacy.list].some((e) => e.toLowerCase() === legacy.name);
}

/** Base64 HMAC-SHA256 of the raw body, as in `X-DocuSign-Signature-1`. */
export async function connectSignature(key: string, body: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(body)));
  let bin = '';
  for (const b of mac) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Delivers Connect messages with retries and exponential backoff; exposed as `sim.connect`. */
export class ConnectDispatcher {
  readonly deliveries: ConnectDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private fetchImpl: (input: Request) => Promise<Response>;
  private readonly attempts: number;
  private readonly baseDelayMs: number;

  constructor(
    private readonly state: SimState,
    private readonly now: () => number,
    private readonly options: ConnectOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? ((req) => fetch(req));
    this.attempts = options.retry?.attempts ?? 4;
    this.baseDelayMs = options.retry?.baseDelayMs ?? 1000;
  }

  /** Replaces the fetch used for deliveries. */
  setFetch(fetchImpl: (input: Request) => Promise<Response>): void {
    this.fetchImpl = fetchImpl;
  }

  /** HMAC keys of an account (option keys first, then keys stored on the account). */
  hmacKeys(account: SimAccount): string[] {
    const opt = this.options.hmacKeys;
    const fromOptions = Array.isArray(opt) ? opt : (opt?.[account.accountId] ?? []);
    return [...fromOptions, ...account.hmacKeys];
  }

  /** Queues one message per matching configuration. */
  publish(account: SimAccount, envelope: SimEnvelope, event: ConnectEvent): void {
    for (const config of account.connectConfigs) {
      if (!wants(config, event, envelope.senderUserId)) continue;
      // Snapshot now: the envelope may change before the message goes out.
      const includeData = new Set(config.eventData.includeData ?? []);
      const include = new Set(['recipients', 'documents', 'custom_fields']);
      if (includeData.size > 0) for (const i of include) if (!includeData.has(i)) include.delete(i);
      if (includeData.has('tabs')) include.add('tabs');
      const summary = envelopeView(this.state, account, envelope, include);
      const delivery: ConnectDelivery = {
        configurationId: config.connectId,
        accountId: account.accountId,
        envelopeId: envelope.envelopeId,
        event,
        url: config.urlToPublishTo,
        attempts: 0,
        lastStatus: 0,
        state: 'pending',
      };
      this.deliveries.push(delivery);
      const task = this.deliver(account, config, delivery, summary).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  }

  /** Resolves when every queued message was delivered or gave up (retries included). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async deliver(
    account: SimAccount,
    config: SimConnectConfig,
    delivery: ConnectDelivery,
    envelopeSummary: Record<string, unknown>,
  ): Promise<void> {
    const keys = config.includeHMAC === 'true' ? this.hmacKeys(account) : [];
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.baseDelayMs * 2 ** (attempt - 1)));
      const body = JSON.stringify({
        event: delivery.event,
        apiVersion: 'v2.1',
        uri: `/restapi/v2.1/accounts/${account.accountId}/envelopes/${delivery.envelopeId}`,
        retryCount: attempt,
        configurationId: Number(config.connectId),
        generatedDateTime: iso(this.now()),
        data: {
          accountId: account.accountId,
          userId: envelopeSummary.sender ? (envelopeSummary.sender as { userId?: string }).userId : undefined,
          envelopeId: delivery.envelopeId,
          envelopeSummary,
        },
      });
      const headers = new Headers({ 'content-type': 'application/json' });
      for (const [i, key] of keys.entries())
        headers.set(`X-DocuSign-Signature-${i + 1}`, await connectSignature(key, body));
      delivery.attempts = attempt + 1;
      try {
        const res = await this.fetchImpl(
          new Request(config.urlToPublishTo, { method: 'POST', headers, body }),
        );
        delivery.lastStatus = res.status;
        await res.body?.cancel();
        if (res.ok) {
          delivery.state = 'delivered';
          return;
        }
      } catch {
        delivery.lastStatus = 0;
      }
    }
    delivery.state = 'failed';
  }
}
