/** Envelope recipients: list, add, update, remove (drafts and in-process envelopes; signed recipients are frozen). */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { arr, parseRecipients, requestRandom } from '../envelope-builder';
import { refreshRouting } from '../envelope-lifecycle';
import { recipientsView } from '../esignature-views';
import type { SimAccount, SimEnvelope, SimRecipient } from '../state';
import { EsignError, readJson, str, truthy } from './common';
import { findEnvelope } from './envelopes';

const RECIPIENT_ARRAYS = ['signers', 'carbonCopies', 'certifiedDeliveries'];

/** Recipients may change on drafts and in-process envelopes only (error text from the spec, Recipients_PutRecipients). */
export function requireCorrectable(e: SimEnvelope): void {
  if (e.status !== 'created' && e.status !== 'sent' && e.status !== 'delivered') {
    throw new EsignError(
      'ENVELOPE_INVALID_STATUS',
      'Invalid envelope status. Envelope status is not one of: Created, Sent, Delivered, Correct.',
    );
  }
}

/** A recipient of the envelope or INVALID_RECIPIENT_ID. */
export function findEnvelopeRecipient(e: SimEnvelope, recipientId: string): SimRecipient {
  const r = e.recipients.find((x) => x.recipientId === recipientId);
  if (!r)
    throw new EsignError('INVALID_RECIPIENT_ID', 'A recipient ID in the request is not in the envelope.');
  return r;
}

const hasActed = (r: SimRecipient): boolean =>
  (r.status === 'completed' || r.status === 'signed' || r.status === 'declined') && r.type !== 'carboncopy';

/** The spec (Recipients_PutRecipients): a recipient who signed cannot be corrected. */
export const RECIPIENT_UPDATE_FAILED = {
  errorCode: 'RECIPIENT_UPDATE_FAILED',
  message: 'The recipient could not be updated.  Recipient not in state that allows correction.',
};

function removeRecipients(sim: SimContext, account: SimAccount, e: SimEnvelope, ids: string[]) {
  requireCorrectable(e);
  const removed = ids.map((id) => findEnvelopeRecipient(e, id));
  const acted = removed.find(hasActed);
  if (acted) throw new EsignError(RECIPIENT_UPDATE_FAILED.errorCode, RECIPIENT_UPDATE_FAILED.message);
  e.recipients = e.recipients.filter((r) => !removed.includes(r));
  e.lastModifiedMs = sim.now();
  refreshRouting(sim, account, e);
  return recipientsView(removed, false);
}

/** Registers `/envelopes/{envelopeId}/recipients` routes. */
export function registerEnvelopeRecipientRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/envelopes/:envelopeId/recipients', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    return c.json(recipientsView(e.recipients, truthy(c.req.query('include_tabs'))));
  });

  app.post('/envelopes/:envelopeId/recipients', async (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    requireCorrectable(e);
    const body = await readJson<Record<string, unknown>>(c);
    const rng = requestRandom(
      sim.state.seed,
      `recipients:${e.envelopeId}:${e.recipients.length}:${sim.now()}`,
    );
    const nextId = Math.max(0, ...e.recipients.map((r) => Number(r.recipientId) || 0)) + 1;
    const added = parseRecipients(rng, body, true, nextId);
    if (added.length === 0)
      throw new EsignError('INVALID_REQUEST_BODY', 'The request names no recipients to add.');
    const clash = added.find((a) => e.recipients.some((r) => r.recipientId === a.recipientId));
    if (clash) {
      throw new EsignError(
        'DUPLICATE_RECIPIENT_ID',
        `Recipient ID ${clash.recipientId} is already in the envelope.`,
      );
    }
    e.recipients.push(...added);
    e.lastModifiedMs = sim.now();
    refreshRouting(sim, account, e);
    return c.json(recipientsView(added, true), 201);
  });

  app.put('/envelopes/:envelopeId/recipients', async (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    requireCorrectable(e);
    const body = await readJson<Record<string, unknown>>(c);
    const updates = RECIPIENT_ARRAYS.flatMap((k) => arr(body[k]));
    const recipientUpdateResults = updates.map((u) => {
      const id = str(u.recipientId) ?? '';
      const r = e.recipients.find((x) => x.recipientId === id);
      if (!r) {
        return {
          recipientId: id,
          errorDetails: {
            errorCode: 'INVALID_RECIPIENT_ID',
            message: 'A recipient ID in the request is not in the envelope.',
          },
        };
      }
      if (hasActed(r))
        return { recipientId: id, recipientIdGuid: r.recipientIdGuid, errorDetails: RECIPIENT_UPDATE_FAILED };
      if (str(u.name)) r.name = str(u.name)!;
      if (str(u.email)) r.email = str(u.email)!;
      if (str(u.clientUserId) !== undefined) r.clientUserId = str(u.clientUserId) || undefined;
      if (str(u.roleName) !== undefined) r.roleName = str(u.roleName) || undefined;
      if (str(u.routingOrder)) {
        const order = Number(str(u.routingOrder)) || r.routingOrder;
        // A recipient moved behind the current routing order waits again.
        if (order !== r.routingOrder && (r.status === 'sent' || r.status === 'delivered'))
          r.status = 'created';
        r.routingOrder = order;
      }
      if (truthy(c.req.query('resend_envelope')) && r.status === 'delivered') r.status = 'sent';
      return {
        recipientId: id,
        recipientIdGuid: r.recipientIdGuid,
        errorDetails: { errorCode: 'SUCCESS', message: '' },
      };
    });
    e.lastModifiedMs = sim.now();
    refreshRouting(sim, account, e);
    return c.json({ recipientUpdateResults });
  });

  app.delete('/envelopes/:envelopeId/recipients', async (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    const body = await readJson<Record<string, unknown>>(c);
    const ids = RECIPIENT_ARRAYS.flatMap((k) => arr(body[k])).map((r) => str(r.recipientId) ?? '');
    if (ids.length === 0) throw new EsignError('INVALID_REQUEST_BODY', 'The request names no recipients.');
    return c.json(removeRecipients(sim, account, e, ids));
  });

  app.delete('/envelopes/:envelopeId/recipients/:recipientId', (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    return c.json(removeRecipients(sim, account, e, [c.req.param('recipientId')]));
  });
}
