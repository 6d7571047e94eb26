/**
 * Baseline of the events bench: the least a Connect receiver must do — verify `X-DocuSign-Signature-1` (HMAC-SHA256
 * with WebCrypto, as the gateway does), parse the JSON and insert the same `events` row (same table, indexes and
 * dedup conflict handling, through the gateway's `recordEvents`) into its own in-memory PGlite (or
 * `BENCH_DATABASE_URL`). No connection lookup, key vault, mapping, overrides or error shape.
 */
import { Hono } from 'hono';
import { migrate } from '../../src/db/migrate';
import { openDatabase } from '../../src/db/open';
import { recordEvents } from '../../src/events/record-events';

type Listen = (
  fetch: (req: Request) => Response | Promise<Response>,
) => Promise<{ origin: string; close: () => Promise<void> }>;

export interface BareConnectOptions {
  key: string;
  integratedAccountId: string;
}

interface Message {
  event: string;
  generatedDateTime: string;
  data: { accountId: string; envelopeId: string; envelopeSummary: Record<string, unknown> };
}

/** Starts the bare receiver at `POST /connect`. */
export async function startBareConnectInbound(o: BareConnectOptions, listen: Listen) {
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const database = await openDatabase(databaseUrl ? { url: databaseUrl } : { pgliteDir: 'memory' });
  await migrate(database.db);
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(o.key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const app = new Hono();
  app.post('/connect', async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const signature = c.req.header('x-docusign-signature-1') ?? '';
    const mac = Uint8Array.from(atob(signature), (ch) => ch.charCodeAt(0));
    if (!(await crypto.subtle.verify('HMAC', key, mac, body))) return c.body(null, 401);
    const message = JSON.parse(new TextDecoder().decode(body)) as Message;
    const summary = message.data.envelopeSummary;
    const at = String(summary.completedDateTime ?? message.generatedDateTime);
    await recordEvents(database.db, [
      {
        environmentId: 'env_bench',
        type: 'signing_request.completed',
        integratedAccountId: o.integratedAccountId,
        accountId: message.data.accountId,
        data: { signing_request: summary },
        dedupKey: [
          o.integratedAccountId,
          message.data.accountId,
          message.data.envelopeId,
          'signing_request.completed',
          '',
          new Date(at).toISOString(),
        ].join(':'),
        streamKey: `signing_request:${o.integratedAccountId}:${message.data.envelopeId}`,
        occurredAt: new Date(at),
      },
    ]);
    return c.json({ received: true, stored: 1 });
  });
  const server = await listen(app.fetch);
  return {
    info: { origin: server.origin },
    close: async () => {
      await server.close();
      await database.close();
    },
  };
}
