/**
 * Control API: act as any recipient of a sent envelope, as DocuSign's emails and signing UI let people do
 * (open, sign with field values, decline), so email recipients can reach `completed` or `declined` over HTTP.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import { declineRecipient, deliverRecipient, signRecipient } from '../envelope-lifecycle';
import { EsignError } from '../esignature/common';
import { locateEnvelope } from '../state';
import { controlBody } from './body';
import { CONTROL_PREFIX } from './prefix';

const SignBody = z.object({
  /** Values of the recipient's value tabs, by `tabLabel` (see tab-values.ts). */
  tabValues: z.record(z.string(), z.string()).optional(),
});
const DeclineBody = z.object({ reason: z.string().max(2000).optional() });

/** Registers `POST /__sandbox/envelopes/{envelopeId}/recipients/{recipientId}/open|sign|decline`. */
export function registerRecipientControlRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const base = `${CONTROL_PREFIX}/envelopes/:envelopeId/recipients/:recipientId`;

  const load = (envelopeId: string) => {
    const found = locateEnvelope(sim.state, envelopeId);
    if (!found)
      throw new EsignError('ENVELOPE_DOES_NOT_EXIST', 'The envelope specified does not exist.', 404);
    return found;
  };

  const outcome = (envelopeId: string, recipientId: string) => {
    const { envelope } = load(envelopeId);
    const r = envelope.recipients.find((x) => x.recipientId === recipientId);
    return {
      envelopeId,
      envelopeStatus: envelope.status,
      recipientId,
      recipientStatus: r?.status ?? 'unknown',
    };
  };

  app.post(`${base}/open`, (c) => {
    const { envelopeId, recipientId } = c.req.param();
    const { account, envelope } = load(envelopeId);
    if (envelope.status !== 'sent' && envelope.status !== 'delivered')
      throw new EsignError('ENVELOPE_INVALID_STATUS', `The envelope is ${envelope.status}.`);
    if (!envelope.recipients.some((r) => r.recipientId === recipientId))
      throw new EsignError('INVALID_RECIPIENT_ID', 'A recipient ID in the request is not in the envelope.');
    deliverRecipient(sim, account, envelope, recipientId);
    return c.json(outcome(envelopeId, recipientId));
  });

  app.post(`${base}/sign`, async (c) => {
    const { envelopeId, recipientId } = c.req.param();
    const body = await controlBody(c, SignBody);
    const { account, envelope } = load(envelopeId);
    signRecipient(sim, account, envelope, recipientId, body.tabValues);
    return c.json(outcome(envelopeId, recipientId));
  });

  app.post(`${base}/decline`, async (c) => {
    const { envelopeId, recipientId } = c.req.param();
    const body = await controlBody(c, DeclineBody);
    const { account, envelope } = load(envelopeId);
    declineRecipient(sim, account, envelope, recipientId, body.reason ?? 'Declined');
    return c.json(outcome(envelopeId, recipientId));
  });
}
