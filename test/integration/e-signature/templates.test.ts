import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
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

const TEMPLATES = '/unified/e-signature/templates';
const primary = (): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
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
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64');
const visible = () => primary().templates.filter((x) => !x.deletedMs);

describe('GET /unified/e-signature/templates', () => {
  it('lists every template across pages', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const body = await json(await send('GET', `${TEMPLATES}?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      ids.push(...body.result.map((x: { id: string }) => x.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(ids.sort()).toEqual(
      visible()
        .map((x) => x.templateId)
        .sort(),
    );
  });

  it('filters by search and collection_id', async () => {
    const template = visible()[0]!;
    const bySearch = await json(
      await send('GET', `${TEMPLATES}?search=${encodeURIComponent(template.name)}`),
    );
    expect(bySearch.result.map((x: { id: string }) => x.id)).toContain(template.templateId);
    expect(t.sim.log.entries.at(-1)!.query).toMatchObject({ search_text: template.name });
    const byFolder = await json(await send('GET', `${TEMPLATES}?collection_id=${template.folderId}`));
    expect(
      byFolder.result.every((x: { collection: { id: string } }) => x.collection.id === template.folderId),
    ).toBe(true);
  });
});

describe('GET /unified/e-signature/templates/{id}', () => {
  it('returns the roles with their fields and the documents', async () => {
    const template = visible().find((x) => x.roles.some((r) => r.tabs.length > 0))!;
    const res = await send('GET', `${TEMPLATES}/${template.templateId}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      id: template.templateId,
      name: template.name,
      account_id: primary().accountId,
    });
    expect(body.documents.map((d: { id: string }) => d.id)).toEqual(
      template.documents.map((d) => d.documentId),
    );
    const role = template.roles.find((r) => r.type === 'signer' && r.tabs.length > 0)!;
    const unified = body.roles.find((r: { id: string }) => r.id === role.recipientId);
    expect(unified).toMatchObject({ name: role.roleName, type: 'signer' });
    expect(unified.fields.map((f: { id: string }) => f.id).sort()).toEqual(
      role.tabs.map((x) => x.tabId).sort(),
    );
    expect(unified.fields.some((f: { type: string }) => f.type === 'signature')).toBe(true);
  });

  it('answers 404 for an unknown template', async () => {
    const res = await send('GET', `${TEMPLATES}/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.details).toMatchObject({ errorCode: 'TEMPLATE_ID_INVALID' });
  });
});

describe('POST /unified/e-signature/templates', () => {
  const input = {
    name: 'Supplier agreement',
    description: 'Two roles',
    email_subject: 'Please sign',
    documents: [{ name: 'Agreement.pdf', content_base64: PDF, file_extension: 'pdf' }],
    roles: [
      { name: 'Supplier', routing_order: 1 },
      { name: 'Buyer', routing_order: 2 },
    ],
  };

  it('creates a template from documents and roles and returns it whole', async () => {
    const res = await send('POST', TEMPLATES, input);
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({
      name: 'Supplier agreement',
      description: 'Two roles',
      email_subject: 'Please sign',
      documents: [{ id: '1', name: 'Agreement.pdf' }],
      roles: [
        { id: '1', name: 'Supplier', type: 'signer', routing_order: 1 },
        { id: '2', name: 'Buyer', type: 'signer', routing_order: 2 },
      ],
    });
    expect(primary().templatesById.get(body.id)!.name).toBe('Supplier agreement');
  });

  it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
    const before = t.sim.log.count({ method: 'POST' });
    const first = await send('POST', TEMPLATES, { ...input, name: 'Once' }, ia, {
      'idempotency-key': 'tpl-1',
    });
    const again = await send('POST', TEMPLATES, { ...input, name: 'Once' }, ia, {
      'idempotency-key': 'tpl-1',
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(again)).toEqual(await json(first));
    expect(t.sim.log.count({ method: 'POST' })).toBe(before + 1);
    const reused = await send('POST', TEMPLATES, { ...input, name: 'Twice' }, ia, {
      'idempotency-key': 'tpl-1',
    });
    expect(reused.status).toBe(409);
  });

  it('validates the body (400) and needs read_write (403)', async () => {
    expect((await send('POST', TEMPLATES, { name: 'No documents', documents: [] })).status).toBe(400);
    const forbidden = await send('POST', TEMPLATES, input, readOnly);
    expect(forbidden.status).toBe(403);
  });
});

describe('DELETE /unified/e-signature/templates/{id}', () => {
  it('moves the template to the recycle bin (PUT folders/recyclebin)', async () => {
    const created = await json(
      await send('POST', TEMPLATES, {
        name: 'Short-lived',
        documents: [{ name: 'A.pdf', content_base64: PDF }],
      }),
    );
    const res = await send('DELETE', `${TEMPLATES}/${created.id}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id: created.id });
    const call = t.sim.log.entries.at(-1)!;
    expect(call.method).toBe('PUT');
    expect(call.path).toContain('/folders/recyclebin');
    expect(primary().templatesById.get(created.id)!.deletedMs).toEqual(expect.any(Number));
    const listed = await json(await send('GET', `${TEMPLATES}?search=Short-lived`));
    expect(listed.result).toEqual([]);
  });

  it('answers 404 for an unknown template', async () => {
    const res = await send('DELETE', `${TEMPLATES}/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(404);
  });
});
