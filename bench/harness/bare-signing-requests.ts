/**
 * Baseline of the signing-requests bench: one DocuSign envelopes page fetched with the query the mapping sends and
 * mapped by hand to the fields of signing-requests.yaml (status through the same names), offset as the cursor. No
 * auth, limits, token handling, cursor signing or overrides.
 */
import { Hono } from 'hono';
import { createNodeFetch } from '../../src/upstream/node-fetch';
import type { SimInfo } from './protocol';

type Listen = (
  fetch: (req: Request) => Response | Promise<Response>,
) => Promise<{ origin: string; close: () => Promise<void> }>;

type Rec = Record<string, unknown>;

const STATUS: Record<string, string> = {
  created: 'created',
  sent: 'sent',
  delivered: 'delivered',
  signed: 'signed',
  completed: 'completed',
  declined: 'declined',
  voided: 'voided',
  correct: 'correct',
  deleted: 'deleted',
  timedout: 'expired',
  processing: 'processing',
  authoritativecopy: 'completed',
  transfercompleted: 'completed',
  template: 'created',
};
const ROLE: Record<string, string> = {
  signer: 'signer',
  carboncopy: 'cc',
  certifieddelivery: 'certified_delivery',
};
const RECIPIENT_ARRAYS = ['signers', 'inPersonSigners', 'witnesses', 'carbonCopies', 'certifiedDeliveries'];

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const iso = (v: unknown) => (typeof v === 'string' && v !== '' ? new Date(v).toISOString() : null);
const int = (v: unknown) => (typeof v === 'string' && v !== '' ? Number.parseInt(v, 10) : null);

function participant(r: Rec) {
  return {
    id: str(r.recipientId),
    name: str(r.name),
    email: str(r.email),
    role: ROLE[String(r.recipientType).toLowerCase()] ?? 'other',
    routing_order: int(r.routingOrder),
    status: str(r.status)?.toLowerCase() ?? null,
    template_role: str(r.roleName),
    client_user_id: str(r.clientUserId),
    is_embedded: Boolean(str(r.clientUserId)),
    sent_at: iso(r.sentDateTime),
    delivered_at: iso(r.deliveredDateTime),
    signed_at: iso(r.signedDateTime),
    declined_at: iso(r.declinedDateTime),
    declined_reason: str(r.declinedReason),
    fields: null,
  };
}

function mapEnvelope(e: Rec, accountId: string) {
  const recipients = (e.recipients ?? {}) as Rec;
  const participants = RECIPIENT_ARRAYS.flatMap((k) =>
    ((recipients[k] as Rec[] | undefined) ?? []).map(participant),
  )
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.routing_order ?? Infinity) - (b.p.routing_order ?? Infinity) || a.i - b.i)
    .map((x) => x.p);
  const custom = ((e.customFields as Rec | undefined)?.textCustomFields as Rec[] | undefined) ?? [];
  const template = custom.find((f) => f.name === 'template_id');
  const folder = (e.folders as Rec[] | undefined)?.[0];
  const sender = e.sender as Rec | undefined;
  const status = STATUS[String(e.status)] ?? 'unknown';
  return {
    id: e.envelopeId,
    name: str(e.emailSubject),
    message: str(e.emailBlurb),
    status: { id: status, name: status },
    docusign_status: str(e.status),
    participants,
    current_routing_order: int(recipients.currentRoutingOrder),
    template: template ? { id: str(template.value) } : null,
    documents: ((e.envelopeDocuments as Rec[] | undefined) ?? []).map((d) => ({
      id: str(d.documentId),
      name: str(d.name),
      type: str(d.type),
      page_count: Array.isArray(d.pages) ? d.pages.length : 0,
    })),
    collection: folder ? { id: str(folder.folderId), name: str(folder.name) } : null,
    sender: sender ? { id: str(sender.userId), name: str(sender.userName), email: str(sender.email) } : null,
    expires_at: iso(e.expireDateTime),
    sent_at: iso(e.sentDateTime),
    delivered_at: iso(e.deliveredDateTime),
    completed_at: iso(e.completedDateTime),
    declined_at: iso(e.declinedDateTime),
    voided_at: iso(e.voidedDateTime),
    voided_reason: str(e.voidedReason),
    status_changed_at: iso(e.statusChangedDateTime),
    created_at: iso(e.createdDateTime),
    updated_at: iso(e.lastModifiedDateTime),
    account_id: accountId,
  };
}

/** Serves `GET /signing-requests?limit=&updated_after=&cursor=` (cursor = upstream offset). */
export async function startBareSigningRequests(o: SimInfo, listen: Listen) {
  const upstreamFetch = createNodeFetch();
  const base = `${o.origin}/restapi/v2.1/accounts/${o.accountId}`;
  const app = new Hono();
  app.get('/signing-requests', async (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const offset = Number(c.req.query('cursor') ?? 0);
    const query = new URLSearchParams({
      from_date: c.req.query('updated_after') ?? new Date(Date.now() - 30 * 86_400_000).toISOString(),
      from_to_status: 'changed',
      status: 'sent,delivered,signed,completed,declined,voided,correct,timedout,processing',
      include: 'recipients,documents,folders,custom_fields',
      order_by: 'created',
      order: 'desc',
      start_position: String(offset),
      count: String(limit),
    });
    const res = await upstreamFetch.fetch(`${base}/envelopes?${query}`, {
      headers: { authorization: `Bearer ${o.token}`, accept: 'application/json' },
    });
    const page = (await res.json()) as { envelopes?: Rec[]; totalSetSize?: string };
    const result = (page.envelopes ?? []).map((e) => mapEnvelope(e, o.accountId));
    const next = offset + result.length;
    return c.json({
      result,
      next_cursor: next < Number(page.totalSetSize ?? 0) ? String(next) : null,
      result_count: result.length,
    });
  });
  const server = await listen(app.fetch);
  return {
    info: { origin: server.origin },
    close: async () => {
      await server.close();
      await upstreamFetch.close();
    },
  };
}
