import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount, SimEnvelope } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let ia: string;
let readOnly: string;
beforeAll(async () => {
  t = await createConnectedApp();
  ia = await t.connect();
  readOnly = await t.connect({ permission: 'read' });
});
afterAll(() => t.close());

const FIELDS = '/unified/e-signature/document-fields';
const primary = (): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
const envelopes = (status: string): SimEnvelope[] =>
  primary().envelopes.filter(
    (e) =>
      e.status === status &&
      e.ownerUserId === t.sim.defaults.userId &&
      e.recipients.some((r) => r.type === 'signer' && r.tabs.length > 0),
  );
const send = (method: string, path: string, body?: unknown, connection = ia) =>
  t.request(`${path}${path.includes('?') ? '&' : '?'}integrated_account_id=${connection}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
type Field = Record<string, unknown> & { id: string; type: string; participant: { id: string } };

describe('GET /unified/e-signature/document-fields', () => {
  it('lists every tab of every participant as one typed list', async () => {
    const e = envelopes('sent')[0]!;
    const res = await send('GET', `${FIELDS}?signing_request_id=${e.envelopeId}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    const expected = e.recipients.flatMap((r) => r.tabs.map((tab) => `${r.recipientId}/${tab.tabId}`));
    expect(body.result.map((f: Field) => `${f.participant.id}/${f.id}`).sort()).toEqual(expected.sort());
    const signer = e.recipients.find((r) => r.tabs.some((tab) => tab.kind === 'signHereTabs'))!;
    const sign = signer.tabs.find((tab) => tab.kind === 'signHereTabs')!;
    expect(body.result).toContainEqual({
      id: sign.tabId,
      type: 'signature',
      remote_type: 'signHere',
      label: sign.tabLabel,
      value: null,
      is_required: null,
      is_read_only: null,
      page_number: Number(sign.pageNumber),
      position: { x: Number(sign.xPosition), y: Number(sign.yPosition) },
      options: null,
      participant: { id: signer.recipientId },
      document: { id: sign.documentId },
      account_id: primary().accountId,
    });
    const types = new Set(body.result.map((f: Field) => f.type));
    expect(types).toContain('signing_date');
  });

  it('filters by participant_id and by document_id, and pages', async () => {
    const e = envelopes('sent')[0]!;
    const signer = e.recipients.find((r) => r.tabs.length > 0)!;
    const byParticipant = await json(
      await send('GET', `${FIELDS}?signing_request_id=${e.envelopeId}&participant_id=${signer.recipientId}`),
    );
    expect(byParticipant.result.map((f: Field) => f.id).sort()).toEqual(
      signer.tabs.map((x) => x.tabId).sort(),
    );
    const byDocument = await json(
      await send('GET', `${FIELDS}?signing_request_id=${e.envelopeId}&document_id=1`),
    );
    expect(byDocument.result.every((f: Field) => (f.document as { id: string }).id === '1')).toBe(true);
    const first = await json(await send('GET', `${FIELDS}?signing_request_id=${e.envelopeId}&limit=1`));
    expect(first.result).toHaveLength(1);
    expect(first.next_cursor).toEqual(expect.any(String));
    const both = await send(
      'GET',
      `${FIELDS}?signing_request_id=${e.envelopeId}&participant_id=1&document_id=1`,
    );
    expect(both.status).toBe(400);
  });

  it('answers 404 for an unknown signing request', async () => {
    const res = await send('GET', `${FIELDS}?signing_request_id=00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(404);
  });
});

describe('POST, PATCH and DELETE /unified/e-signature/document-fields', () => {
  it('creates a text field in textTabs, updates its value, then deletes it', async () => {
    const e = envelopes('created')[0]!;
    const signer = e.recipients.find((r) => r.type === 'signer')!;
    const created = await send('POST', FIELDS, {
      signing_request_id: e.envelopeId,
      participant: { id: signer.recipientId },
      document: { id: e.documents[0]!.documentId },
      type: 'text',
      label: 'PO number',
      is_required: true,
      page_number: 1,
      position: { x: 50, y: 70 },
    });
    expect(created.status).toBe(201);
    const field = await json(created);
    expect(field).toMatchObject({
      type: 'text',
      label: 'PO number',
      is_required: true,
      position: { x: 50, y: 70 },
      participant: { id: signer.recipientId },
    });
    const stored = signer.tabs.find((x) => x.tabId === field.id)!;
    expect(stored.kind).toBe('textTabs');

    const updated = await send('PATCH', `${FIELDS}/${field.id}?signing_request_id=${e.envelopeId}`, {
      value: 'PO-42',
    });
    expect(updated.status).toBe(200);
    expect(await json(updated)).toMatchObject({ id: field.id, value: 'PO-42', label: 'PO number' });
    expect(signer.tabs.find((x) => x.tabId === field.id)!.value).toBe('PO-42');

    const got = await json(await send('GET', `${FIELDS}/${field.id}?signing_request_id=${e.envelopeId}`));
    expect(got.value).toBe('PO-42');

    const deleted = await send('DELETE', `${FIELDS}/${field.id}?signing_request_id=${e.envelopeId}`);
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toEqual({ id: field.id });
    expect(signer.tabs.some((x) => x.tabId === field.id)).toBe(false);
  });

  it('creates a signature field in signHereTabs', async () => {
    const e = envelopes('created')[0]!;
    const signer = e.recipients.find((r) => r.type === 'signer')!;
    const field = await json(
      await send('POST', FIELDS, {
        signing_request_id: e.envelopeId,
        participant: { id: signer.recipientId },
        document: { id: e.documents[0]!.documentId },
        type: 'signature',
        position: { x: 10, y: 20 },
      }),
    );
    expect(field.type).toBe('signature');
    expect(signer.tabs.find((x) => x.tabId === field.id)!.kind).toBe('signHereTabs');
  });

  it('answers 409 when the signing request is completed, 404 for an unknown field, 403 on read', async () => {
    const done = envelopes('completed')[0]!;
    const tab = done.recipients.find((r) => r.tabs.length > 0)!.tabs.find((x) => x.kind === 'signHereTabs')!;
    const refused = await send('PATCH', `${FIELDS}/${tab.tabId}?signing_request_id=${done.envelopeId}`, {
      label: 'late',
    });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('conflict');

    const draft = envelopes('created')[0]!;
    const missing = await send('PATCH', `${FIELDS}/nope?signing_request_id=${draft.envelopeId}`, {
      value: 'x',
    });
    expect(missing.status).toBe(404);

    const forbidden = await send(
      'DELETE',
      `${FIELDS}/${tab.tabId}?signing_request_id=${done.envelopeId}`,
      undefined,
      readOnly,
    );
    expect(forbidden.status).toBe(403);
  });

  it('refuses an unknown type with 400', async () => {
    const e = envelopes('created')[0]!;
    const res = await send('POST', FIELDS, {
      signing_request_id: e.envelopeId,
      participant: { id: '1' },
      document: { id: '1' },
      type: 'hologram',
    });
    expect(res.status).toBe(400);
  });
});
