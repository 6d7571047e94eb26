/** Embedded views: recipient (signing), sender, edit and correct. Each returns a single-use URL on the simulator. */
import type { Hono } from 'hono';
import type { ConsoleSession, SimContext, SimEnv } from '../context';
import { randomToken } from '../random';
import type { SimEnvelope } from '../state';
import { type Ctx, EsignError, readJson, str } from './common';
import { findEnvelope } from './envelopes';

/** DocuSign: view URLs are short-lived (about 5 minutes) and work once. */
const VIEW_TTL_MS = 5 * 60_000;

function returnUrlOf(body: Record<string, unknown>): string {
  const returnUrl = str(body.returnUrl);
  if (!returnUrl || returnUrl.length > 470)
    throw new EsignError('INVALID_REQUEST_PARAMETER', 'returnUrl is required (at most 470 characters).');
  try {
    new URL(returnUrl);
  } catch {
    throw new EsignError('INVALID_REQUEST_PARAMETER', 'returnUrl is not an absolute URL.');
  }
  return returnUrl;
}

/** Which envelope states each console view accepts. */
const VIEW_STATES: Record<ConsoleSession['kind'], (e: SimEnvelope) => boolean> = {
  sender: (e) => e.status === 'created',
  edit: (e) => e.status === 'created',
  correct: (e) => e.status === 'sent' || e.status === 'delivered',
};

async function consoleView(c: Ctx, sim: SimContext, kind: ConsoleSession['kind']) {
  const account = c.get('account');
  const e = findEnvelope(account, c.req.param('envelopeId') ?? '');
  const returnUrl = returnUrlOf(await readJson<Record<string, unknown>>(c));
  if (!VIEW_STATES[kind](e)) {
    throw new EsignError(
      'ENVELOPE_INVALID_STATUS',
      `A ${kind} view cannot be created for a ${e.status} envelope.`,
    );
  }
  const token = randomToken(24);
  sim.consoleSessions.set(token, {
    kind,
    accountId: account.accountId,
    envelopeId: e.envelopeId,
    returnUrl,
    expiresMs: sim.now() + VIEW_TTL_MS,
    stage: 'new',
  });
  return c.json({ url: `${sim.origin}/console/${token}` }, 201);
}

/** Registers `/envelopes/{envelopeId}/views/*` routes. */
export function registerEmbeddedViewRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.post('/envelopes/:envelopeId/views/recipient', async (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    const body = await readJson<Record<string, unknown>>(c);
    const returnUrl = returnUrlOf(body);
    if (!str(body.authenticationMethod))
      throw new EsignError('INVALID_REQUEST_PARAMETER', 'authenticationMethod is required.');
    if (e.status !== 'sent' && e.status !== 'delivered') {
      throw new EsignError(
        'ENVELOPE_INVALID_STATUS',
        'Envelope status is not valid for a recipient view; it must be sent.',
      );
    }
    const userName = str(body.userName)?.toLowerCase();
    const email = str(body.email)?.toLowerCase();
    const clientUserId = str(body.clientUserId);
    const recipientId = str(body.recipientId);
    const r = e.recipients.find(
      (x) =>
        x.type === 'signer' &&
        (recipientId
          ? x.recipientId === recipientId
          : x.name.toLowerCase() === userName && x.email.toLowerCase() === email) &&
        x.clientUserId !== undefined &&
        x.clientUserId === clientUserId,
    );
    if (!r) {
      throw new EsignError(
        'UNKNOWN_ENVELOPE_RECIPIENT',
        'The recipient you have identified is not a valid recipient of the specified envelope.',
      );
    }
    if (r.status !== 'sent' && r.status !== 'delivered') {
      throw new EsignError(
        'RECIPIENT_NOT_IN_SEQUENCE',
        'The token for an out of sequence recipient can not be generated.',
      );
    }
    const token = randomToken(24);
    sim.signingSessions.set(token, {
      accountId: account.accountId,
      envelopeId: e.envelopeId,
      recipientId: r.recipientId,
      returnUrl,
      expiresMs: sim.now() + VIEW_TTL_MS,
      stage: 'new',
    });
    return c.json({ url: `${sim.origin}/signing/${token}` }, 201);
  });

  app.post('/envelopes/:envelopeId/views/sender', (c) => consoleView(c, sim, 'sender'));
  app.post('/envelopes/:envelopeId/views/edit', (c) => consoleView(c, sim, 'edit'));
  app.post('/envelopes/:envelopeId/views/correct', (c) => consoleView(c, sim, 'correct'));
}
