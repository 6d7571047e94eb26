import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount, SimEnvelope } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let ia: string;
let readOnly: string;
let all: string;
beforeAll(async () => {
  t = await createConnectedApp();
  ia = await t.connect();
  readOnly = await t.connect({ permission: 'read' });
  all = await t.connect({ allAccounts: true });
});
afterAll(() => t.close());

const DOCS = '/unified/e-signature/documents';
const primary = (): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
const envelope = (status: string): SimEnvelope =>
  primary().envelopes.find((e) => e.status === status && e.ownerUserId === t.sim.defaults.userId)!;
const send = (
  method: string,
  path: string,
  body?: unknown,
  connection = ia,
  headers: Record<string, string> = {},
) =>
  t.request(`${path}${path.includes('?') ? '&' : '?'}integrated_account_id=${connection}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('GET /unified/e-signature/documents', () => {
  it("lists a signing request's documents, the certificate last", async () => {
    const e = envelope('completed');
    const res = await send('GET', `${DOCS}?signing_request_id=${e.envelopeId}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.result.map((d: { id: string }) => d.id)).toEqual([
      ...e.documents.map((d) => d.documentId),
      'certificate',
    ]);
    expect(body.result[0]).toMatchObject({
      id: e.documents[0]!.documentId,
      name: e.documents[0]!.name,
      type: 'content',
      page_count: e.documents[0]!.pages,
      account_id: primary().accountId,
    });
    expect(body.next_cursor).toBeNull();
  });

  it('pages with limit and next_cursor', async () => {
    const e = envelope('completed');
    const first = await json(await send('GET', `${DOCS}?signing_request_id=${e.envelopeId}&limit=1`));
    expect(first.result).toHaveLength(1);
    const second = await json(
      await send('GET', `${DOCS}?signing_request_id=${e.envelopeId}&limit=1&cursor=${first.next_cursor}`),
    );
    expect(second.result[0].id).not.toBe(first.result[0].id);
  });

  it("lists a template's documents", async () => {
    const template = primary().templates[0]!;
    const body = await json(await send('GET', `${DOCS}?template_id=${template.templateId}`));
    expect(body.result.map((d: { id: string }) => d.id)).toEqual(template.documents.map((d) => d.documentId));
  });

  it("reads the parent's one account on a sync-all connection (account_id, else the default account)", async () => {
    const e = envelope('completed');
    const here = await json(await send('GET', `${DOCS}?signing_request_id=${e.envelopeId}`, undefined, all));
    expect(here.result[0].account_id).toBe(primary().accountId);
    expect(here.next_cursor).toBeNull();
    const secondary = t.sim.state.accounts.get(t.sim.defaults.accountIds[1]!)!;
    const other = secondary.envelopes[0]!;
    const there = await json(
      await send(
        'GET',
        `${DOCS}?signing_request_id=${other.envelopeId}&account_id=${secondary.accountId}`,
        undefined,
        all,
      ),
    );
    expect(there.result.map((d: { id: string }) => d.id)).toContain(other.documents[0]!.documentId);
    expect(there.result[0].account_id).toBe(secondary.accountId);
  });

  it('needs exactly one parent (400) and answers 404 for an unknown signing request', async () => {
    expect((await send('GET', DOCS)).status).toBe(400);
    expect((await send('GET', `${DOCS}?signing_request_id=a&template_id=b`)).status).toBe(400);
    const missing = await send('GET', `${DOCS}?signing_request_id=00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.details).toMatchObject({ errorCode: 'ENVELOPE_DOES_NOT_EXIST' });
  });
});

describe('GET /unified/e-signature/documents/{id}', () => {
  it("gets one document's metadata with remote_data", async () => {
    const e = envelope('completed');
    const d = e.documents[0]!;
    const res = await send(
      'GET',
      `${DOCS}/${d.documentId}?signing_request_id=${e.envelopeId}&include_remote_data=true`,
    );
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc).toMatchObject({ id: d.documentId, name: d.name });
    expect(doc.remote_data).toMatchObject({ documentId: d.documentId });
  });

  it('answers 404 for an unknown document', async () => {
    const e = envelope('completed');
    const res = await send('GET', `${DOCS}/77?signing_request_id=${e.envelopeId}`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });
});

describe('GET /unified/e-signature/documents/{id}/download', () => {
  it("streams the PDF with DocuSign's content-type and content-disposition", async () => {
    const e = envelope('completed');
    const d = e.documents[0]!;
    const res = await send('GET', `${DOCS}/${d.documentId}/download?signing_request_id=${e.envelopeId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`documentid="${d.documentId}"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
  });

  it('returns the bytes that were uploaded', async () => {
    const draft = envelope('created');
    const added = await json(
      await send('POST', DOCS, {
        signing_request_id: draft.envelopeId,
        name: 'Upload.pdf',
        content_base64: PDF.toString('base64'),
      }),
    );
    const res = await send('GET', `${DOCS}/${added.id}/download?signing_request_id=${draft.envelopeId}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PDF);
  });

  it("streams a template's document, and 404 for a document or template DocuSign does not know", async () => {
    const template = primary().templates[0]!;
    const d = template.documents[0]!;
    const res = await send('GET', `${DOCS}/${d.documentId}/download?template_id=${template.templateId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`documentid="${d.documentId}"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');

    const unknownDoc = await send('GET', `${DOCS}/77/download?template_id=${template.templateId}`);
    expect(unknownDoc.status).toBe(404);
    expect((await json(unknownDoc)).error.details).toMatchObject({ errorCode: 'DOCUMENT_DOES_NOT_EXIST' });
    const unknownTemplate = await send(
      'GET',
      `${DOCS}/1/download?template_id=00000000-0000-4000-8000-000000000000`,
    );
    expect(unknownTemplate.status).toBe(404);
  });

  it('answers 404 for an unknown document of a signing request', async () => {
    const e = envelope('completed');
    const missing = await send('GET', `${DOCS}/77/download?signing_request_id=${e.envelopeId}`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.details).toMatchObject({ errorCode: 'DOCUMENT_DOES_NOT_EXIST' });
  });
});

describe('POST /unified/e-signature/documents', () => {
  it('adds a document to a draft with the next id', async () => {
    const draft = envelope('created');
    const before = draft.documents.length;
    const res = await send('POST', DOCS, {
      signing_request_id: draft.envelopeId,
      name: 'Annex.pdf',
      content_base64: PDF.toString('base64'),
      file_extension: 'pdf',
    });
    expect(res.status).toBe(201);
    const doc = await json(res);
    expect(doc).toMatchObject({ name: 'Annex.pdf', type: 'content' });
    expect(draft.documents).toHaveLength(before + 1);
    expect(draft.documents.at(-1)!.documentId).toBe(doc.id);
  });

  it("answers 409 with DocuSign's reason when the signing request is not a draft", async () => {
    const sent = envelope('sent');
    const res = await send('POST', DOCS, {
      signing_request_id: sent.envelopeId,
      name: 'Late.pdf',
      content_base64: PDF.toString('base64'),
    });
    expect(res.status).toBe(409);
    const body = await json(res);
    expect(body.error.code).toBe('conflict');
    expect(body.error.details).toMatchObject({ errorCode: 'ENVELOPE_INVALID_STATUS' });
  });

  it('needs a read_write connection, and account_id on a sync-all connection', async () => {
    const draft = envelope('created');
    const input = {
      signing_request_id: draft.envelopeId,
      name: 'X.pdf',
      content_base64: PDF.toString('base64'),
    };
    const forbidden = await send('POST', DOCS, input, readOnly);
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).error.code).toBe('forbidden');
    const ambiguous = await send('POST', DOCS, input, all);
    expect(ambiguous.status).toBe(400);
    expect((await json(ambiguous)).error.details).toEqual({ param: 'account_id' });
  });
});

describe('DELETE /unified/e-signature/documents/{id}', () => {
  it('deletes a document from a draft', async () => {
    const draft = envelope('created');
    const added = await json(
      await send('POST', DOCS, {
        signing_request_id: draft.envelopeId,
        name: 'Gone.pdf',
        content_base64: PDF.toString('base64'),
      }),
    );
    const res = await send('DELETE', `${DOCS}/${added.id}?signing_request_id=${draft.envelopeId}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id: added.id });
    expect(draft.documents.some((d) => d.documentId === added.id)).toBe(false);
  });

  it('answers 409 for a sent signing request and 404 for an unknown document', async () => {
    const sent = envelope('sent');
    const refused = await send('DELETE', `${DOCS}/1?signing_request_id=${sent.envelopeId}`);
    expect(refused.status).toBe(409);
    const draft = envelope('created');
    const missing = await send('DELETE', `${DOCS}/99?signing_request_id=${draft.envelopeId}`);
    expect(missing.status).toBe(404);
  });
});
