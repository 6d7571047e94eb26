/** Envelope recipients, documents (PDF bytes), tabs and the embedded signing view. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import {
  certificateDocumentView,
  envelopeDocumentView,
  iso,
  recipientsView,
  tabsView,
} from '../esignature-views';
import { renderPdf } from '../pdf';
import { randomToken } from '../random';
import type { SimEnvelope } from '../state';
import { type Ctx, EsignError, readJson, str, truthy } from './common';
import { findEnvelope } from './envelopes';

const VIEW_TTL_MS = 5 * 60_000;

function pdfResponse(c: Ctx, bytes: Uint8Array, filename: string, documentId: string): Response {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `file; filename="${filename.replace(/"/g, '')}"; documentid="${documentId}"`,
  });
}

function certificateLines(e: SimEnvelope): string[] {
  return [
    `Envelope Id: ${e.envelopeId}`,
    `Subject: ${e.emailSubject}`,
    `Status: ${e.status}`,
    `Created: ${iso(e.createdMs)}`,
    ...e.recipients.map(
      (r) => `${r.name} <${r.email}>: ${r.status}${r.signedMs ? ` at ${iso(r.signedMs)}` : ''}`,
    ),
  ];
}

/** Registers recipient, document, tab and view routes under `/envelopes/{envelopeId}`. */
export function registerEnvelopePartRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/envelopes/:envelopeId/recipients', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    return c.json(recipientsView(e.recipients, truthy(c.req.query('include_tabs'))));
  });

  app.put('/envelopes/:envelopeId/recipients', async (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    if (e.status === 'completed' || e.status === 'voided' || e.status === 'declined') {
      throw new EsignError(
        'ENVELOPE_CANNOT_CORRECT_INVALID_STATE',
        `Recipients of a ${e.status} envelope cannot change.`,
      );
    }
    const body = await readJson<Record<string, unknown>>(c);
    const updates = ['signers', 'carbonCopies', 'certifiedDeliveries'].flatMap((k) =>
      Array.isArray(body[k]) ? (body[k] as Record<string, unknown>[]) : [],
    );
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
      if (r.status === 'completed' || r.status === 'signed') {
        return {
          recipientId: id,
          recipientIdGuid: r.recipientIdGuid,
          errorDetails: {
            errorCode: 'RECIPIENT_ALREADY_SIGNED',
            message: 'The recipient has already signed.',
          },
        };
      }
      if (str(u.name)) r.name = str(u.name)!;
      if (str(u.email)) r.email = str(u.email)!;
      if (str(u.clientUserId) !== undefined) r.clientUserId = str(u.clientUserId) || undefined;
      if (str(u.routingOrder)) r.routingOrder = Number(str(u.routingOrder)) || r.routingOrder;
      if (truthy(c.req.query('resend_envelope')) && r.status === 'delivered') r.status = 'sent';
      return {
        recipientId: id,
        recipientIdGuid: r.recipientIdGuid,
        errorDetails: { errorCode: 'SUCCESS', message: '' },
      };
    });
    e.lastModifiedMs = sim.now();
    return c.json({ recipientUpdateResults });
  });

  app.get('/envelopes/:envelopeId/recipients/:recipientId/tabs', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    const r = e.recipients.find((x) => x.recipientId === c.req.param('recipientId'));
    if (!r)
      throw new EsignError('INVALID_RECIPIENT_ID', 'A recipient ID in the request is not in the envelope.');
    return c.json(tabsView(r.tabs, () => r.recipientId));
  });

  app.get('/envelopes/:envelopeId/documents', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    return c.json({
      envelopeId: e.envelopeId,
      envelopeDocuments: [
        ...e.documents.map((d) => envelopeDocumentView(e.envelopeId, d)),
        certificateDocumentView(e.envelopeId),
      ],
    });
  });

  app.get('/envelopes/:envelopeId/documents/:documentId', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    const id = c.req.param('documentId');
    if (id === 'certificate' || id === 'summary') {
      return pdfResponse(
        c,
        renderPdf('Certificate Of Completion', certificateLines(e)),
        'Summary.pdf',
        'certificate',
      );
    }
    if (id === 'combined' || id === 'portfolio') {
      const lines = e.documents.map((d) => `Document ${d.documentId}: ${d.name}`);
      if (c.req.query('certificate') !== 'false') lines.push('', ...certificateLines(e));
      return pdfResponse(c, renderPdf(e.emailSubject || 'Combined documents', lines), `${id}.pdf`, id);
    }
    if (id === 'archive')
      throw new EsignError('INVALID_REQUEST_PARAMETER', 'The simulator does not produce ZIP archives.');
    const d = e.documents.find((x) => x.documentId === id);
    if (!d) throw new EsignError('DOCUMENT_DOES_NOT_EXIST', 'The document specified was not found.');
    const bytes = d.bytes ?? renderPdf(d.name, [`Envelope ${e.envelopeId}`, `Subject: ${e.emailSubject}`]);
    const filename = /\.[a-z0-9]+$/i.test(d.name) ? d.name.replace(/\.[a-z0-9]+$/i, '.pdf') : `${d.name}.pdf`;
    return pdfResponse(c, bytes, filename, d.documentId);
  });

  app.get('/envelopes/:envelopeId/documents/:documentId/tabs', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    const id = c.req.param('documentId');
    if (!e.documents.some((d) => d.documentId === id)) {
      throw new EsignError('DOCUMENT_DOES_NOT_EXIST', 'The document specified was not found.');
    }
    const owner = new Map<string, string>();
    const tabs = [];
    for (const r of e.recipients) {
      for (const t of r.tabs) {
        if (t.documentId !== id) continue;
        owner.set(t.tabId, r.recipientId);
        tabs.push(t);
      }
    }
    return c.json(tabsView(tabs, (t) => owner.get(t.tabId) ?? ''));
  });

  app.post('/envelopes/:envelopeId/views/recipient', async (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    const body = await readJson<Record<string, unknown>>(c);
    const returnUrl = str(body.returnUrl);
    if (!returnUrl || returnUrl.length > 470)
      throw new EsignError('INVALID_REQUEST_PARAMETER', 'returnUrl is required (at most 470 characters).');
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
}
