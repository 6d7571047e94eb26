/** Envelope documents: list, download (a document, `combined`, `certificate`, `archive`), add to and remove from drafts. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { certificatePdf, combinedPdf, documentLines, documentPdf } from '../document-pdf';
import { arr, parseDocuments, requestRandom } from '../envelope-builder';
import { certificateDocumentView, envelopeDocumentView } from '../esignature-views';
import type { SimDocument, SimEnvelope } from '../state';
import { streamedPdf, streamedPdfBytes } from '../streamed-pdf';
import { zipStore } from '../zip-store';
import { type Ctx, EsignError, readJson, str } from './common';
import { findEnvelope } from './envelopes';

/** DocuSign's header: `file; filename="NDA.pdf"; documentid="1"` (spec, Documents_GetDocument). */
const disposition = (filename: string, documentId: string): string =>
  `file; filename="${filename.replace(/"/g, '')}"; documentid="${documentId}"`;

export function fileResponse(c: Ctx, bytes: Uint8Array, type: string, filename: string, documentId: string) {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': type,
    'Content-Disposition': disposition(filename, documentId),
  });
}

/** A document's download name: its name with a `.pdf` extension (DocuSign serves PDFs). */
export const pdfName = (d: SimDocument): string =>
  /\.[a-z0-9]+$/i.test(d.name) ? d.name.replace(/\.[a-z0-9]+$/i, '.pdf') : `${d.name}.pdf`;

/** The bytes of a document (a large streamed document is materialised: only the ZIP archive needs this). */
async function documentBytes(e: SimEnvelope, d: SimDocument): Promise<Uint8Array> {
  if (d.streamedSizeBytes !== undefined)
    return streamedPdfBytes(d.name, documentLines(e), d.streamedSizeBytes);
  return documentPdf(e, d);
}

function requireDraft(e: SimEnvelope): void {
  if (e.status !== 'created') {
    throw new EsignError(
      'ENVELOPE_INVALID_STATUS',
      'Documents can only be added to or removed from a draft (created) envelope.',
    );
  }
}

const documentsResult = (e: SimEnvelope, docs: SimDocument[]) => ({
  envelopeId: e.envelopeId,
  envelopeDocuments: docs.map((d) => envelopeDocumentView(e.envelopeId, d)),
});

/** Registers `/envelopes/{envelopeId}/documents` routes. */
export function registerEnvelopeDocumentRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/envelopes/:envelopeId/documents', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    const result = documentsResult(e, e.documents);
    return c.json({
      ...result,
      envelopeDocuments: [...result.envelopeDocuments, certificateDocumentView(e.envelopeId)],
    });
  });

  app.put('/envelopes/:envelopeId/documents', async (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    requireDraft(e);
    const body = await readJson<Record<string, unknown>>(c);
    const rng = requestRandom(sim.state.seed, `documents:${e.envelopeId}:${e.documents.length}:${sim.now()}`);
    const nextId = Math.max(0, ...e.documents.map((d) => Number(d.documentId) || 0)) + 1;
    const given: Record<string, unknown>[] = arr(body.documents).map((d, i) => ({
      ...d,
      documentId: str(d.documentId) ?? String(nextId + i),
    }));
    if (given.length === 0) throw new EsignError('INVALID_REQUEST_BODY', 'The request names no documents.');
    const added = parseDocuments(rng, given);
    added.forEach((d, i) => {
      // A document with an existing id replaces it; a new one goes last unless the request gives an order.
      const at = e.documents.findIndex((x) => x.documentId === d.documentId);
      const explicitOrder = str(given[i]!.order) !== undefined;
      if (at >= 0) e.documents[at] = { ...d, order: explicitOrder ? d.order : e.documents[at]!.order };
      else e.documents.push({ ...d, order: explicitOrder ? d.order : e.documents.length + 1 });
    });
    e.lastModifiedMs = sim.now();
    return c.json(
      documentsResult(
        e,
        added.map((d) => e.documents.find((x) => x.documentId === d.documentId)!),
      ),
    );
  });

  app.delete('/envelopes/:envelopeId/documents', async (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    requireDraft(e);
    const body = await readJson<Record<string, unknown>>(c);
    const ids = arr(body.documents).map((d) => str(d.documentId) ?? '');
    if (ids.length === 0) throw new EsignError('INVALID_REQUEST_BODY', 'The request names no documents.');
    const removed = ids.map((id) => {
      const d = e.documents.find((x) => x.documentId === id);
      if (!d) throw new EsignError('DOCUMENT_DOES_NOT_EXIST', `Document ${id} is not in the envelope.`);
      return d;
    });
    e.documents = e.documents.filter((d) => !removed.includes(d));
    // Tabs placed on a removed document go with it.
    for (const r of e.recipients) r.tabs = r.tabs.filter((t) => !ids.includes(t.documentId));
    e.lastModifiedMs = sim.now();
    return c.json(documentsResult(e, removed));
  });

  app.get('/envelopes/:envelopeId/documents/:documentId', async (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    const id = c.req.param('documentId');
    if (id === 'certificate' || id === 'summary') {
      return fileResponse(c, certificatePdf(e), 'application/pdf', 'Summary.pdf', 'certificate');
    }
    if (id === 'combined' || id === 'portfolio') {
      const bytes = await combinedPdf(e, c.req.query('certificate') !== 'false');
      return fileResponse(c, bytes, 'application/pdf', `${id}.pdf`, id);
    }
    if (id === 'archive') {
      // The spec: a ZIP of the PDFs plus the Certificate of Completion.
      const entries = [];
      for (const d of e.documents)
        entries.push({ name: `${d.documentId}_${pdfName(d)}`, bytes: await documentBytes(e, d) });
      entries.push({ name: 'Summary.pdf', bytes: certificatePdf(e) });
      return fileResponse(
        c,
        zipStore(entries, e.lastModifiedMs),
        'application/zip',
        `${e.envelopeId}.zip`,
        'archive',
      );
    }
    const d = e.documents.find((x) => x.documentId === id);
    if (!d) throw new EsignError('DOCUMENT_DOES_NOT_EXIST', 'The document specified was not found.');
    if (d.streamedSizeBytes !== undefined) {
      const { length, stream } = streamedPdf(d.name, documentLines(e), d.streamedSizeBytes);
      return c.body(stream, 200, {
        'Content-Type': 'application/pdf',
        'Content-Length': String(length),
        'Content-Disposition': disposition(pdfName(d), d.documentId),
      });
    }
    return fileResponse(c, await documentBytes(e, d), 'application/pdf', pdfName(d), d.documentId);
  });
}
