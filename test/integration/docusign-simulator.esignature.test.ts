/**
 * eSignature behaviour of the DocuSign simulator that the unified E-Signature API relies on: drafts, templates
 * with roles and prefilled tabs, routing, corrections, recycle bin, documents (ZIP archive, streamed large
 * downloads), embedded views, contacts and paging.
 */
import { describe, expect, it } from 'vitest';
import { createDocusignSimulator, type DocusignSimulator } from '../../src/sandbox/docusign';
import { startSimulatorServer } from '../helpers/docusign';
import { validateAgainstSpec } from '../helpers/spec-validator';

const SMALL = { users: 12, envelopes: 20, templates: 3, groups: 2 };
const PDF = btoa('%PDF-1.4\n% test document\n%%EOF\n');

/** Loose JSON view for reading response bodies in assertions. */
interface Loose {
  [key: string]: Loose;
}
const list = (value: Loose | undefined): Loose[] => (value ?? []) as unknown as Loose[];

function setup(): { sim: DocusignSimulator; api: Api; sign: Sign; clock: { now: number } } {
  const clock = { now: Date.parse('2026-06-01T12:00:00Z') };
  const sim = createDocusignSimulator({
    seed: 3,
    scale: SMALL,
    now: () => clock.now,
    rateLimits: { hourly: 1_000_000, burst: 1_000_000 },
  });
  const { access_token } = sim.issueTokens();
  const account = sim.defaults.accountIds[0]!;
  const api: Api = async (method, path, body) => {
    const res = await sim.fetch(`${sim.origin}/restapi/v2.1/accounts/${account}${path}`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    const json = type.includes('json') ? ((await res.json()) as Loose) : ({} as Loose);
    return { status: res.status, json, res };
  };
  // A recipient signs "from the email", through the sandbox control API.
  const sign: Sign = async (envelopeId, recipientId, tabValues) => {
    const res = await sim.fetch(
      `${sim.origin}/__sandbox/envelopes/${envelopeId}/recipients/${recipientId}/sign`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tabValues }),
      },
    );
    return { status: res.status, json: (await res.json()) as Loose };
  };
  return { sim, api, sign, clock };
}

type Sign = (
  envelopeId: string,
  recipientId: string,
  tabValues?: Record<string, string>,
) => Promise<{ status: number; json: Loose }>;

type Api = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; json: Loose; res: Response }>;

const signer = (id: string, order: string, extra: Record<string, unknown> = {}) => ({
  recipientId: id,
  name: `Signer ${id}`,
  email: `signer${id}@example.org`,
  routingOrder: order,
  tabs: { signHereTabs: [{ documentId: '1', pageNumber: '1', xPosition: '10', yPosition: '10' }] },
  ...extra,
});

async function createEnvelope(api: Api, recipients: unknown, status = 'sent'): Promise<string> {
  const r = await api('POST', '/envelopes', {
    emailSubject: 'Routing test',
    status,
    documents: [{ documentId: '1', name: 'Doc.pdf', documentBase64: PDF }],
    recipients,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return String(r.json.envelopeId);
}

const statuses = async (api: Api, id: string): Promise<Record<string, string>> => {
  const r = await api('GET', `/envelopes/${id}/recipients`);
  const out: Record<string, string> = {};
  for (const x of [...list(r.json.signers), ...list(r.json.carbonCopies)])
    out[String(x.recipientId)] = String(x.status);
  return out;
};

describe('routing', () => {
  it('activates routing orders in sequence, signers of one order in parallel, and completes carbon copies', async () => {
    const { api, sign } = setup();
    const id = await createEnvelope(api, {
      signers: [signer('1', '1'), signer('2', '1'), signer('3', '2')],
      carbonCopies: [{ recipientId: '4', name: 'CC', email: 'cc@example.org', routingOrder: '3' }],
    });
    expect(await statuses(api, id)).toEqual({ '1': 'sent', '2': 'sent', '3': 'created', '4': 'created' });
    expect((await sign(id, '1')).status).toBe(200);
    expect((await statuses(api, id))['3']).toBe('created');
    await sign(id, '2');
    expect(await statuses(api, id)).toEqual({
      '1': 'completed',
      '2': 'completed',
      '3': 'sent',
      '4': 'created',
    });
    expect((await sign(id, '4')).status).toBe(400); // a carbon copy does not sign
    await sign(id, '3');
    expect((await statuses(api, id))['4']).toBe('completed');
    const env = await api('GET', `/envelopes/${id}`);
    expect(env.json.status).toBe('completed');
  });

  it('adds a recipient to an in-process envelope at the current order, and refuses to change one who signed', async () => {
    const { api, sign } = setup();
    const id = await createEnvelope(api, { signers: [signer('1', '1'), signer('2', '2')] });
    await sign(id, '1');
    const added = await api('POST', `/envelopes/${id}/recipients`, {
      signers: [{ name: 'Late', email: 'late@example.org', routingOrder: '2' }],
    });
    expect(added.status).toBe(201);
    expect(list(added.json.signers)[0]!.recipientId).toBe('3');
    expect(await statuses(api, id)).toEqual({ '1': 'completed', '2': 'sent', '3': 'sent' });
    const put = await api('PUT', `/envelopes/${id}/recipients`, {
      signers: [{ recipientId: '1', name: 'Changed' }],
    });
    expect(list(put.json.recipientUpdateResults)[0]!.errorDetails?.errorCode).toBe('RECIPIENT_UPDATE_FAILED');
    const del = await api('DELETE', `/envelopes/${id}/recipients/1`);
    expect(del.json.errorCode).toBe('RECIPIENT_UPDATE_FAILED');
    // Removing the last pending signers of the envelope's last order completes it.
    await sign(id, '2');
    await api('DELETE', `/envelopes/${id}/recipients/3`);
    expect((await api('GET', `/envelopes/${id}`)).json.status).toBe('completed');
  });
});

describe('templates', () => {
  it('creates an envelope from a template with roles, prefilling tabs by label, and deletes templates via the recycle bin', async () => {
    const { sim, api } = setup();
    const tpl = await api('POST', '/templates', {
      name: 'Order form',
      emailSubject: 'Please sign the order',
      documents: [{ documentId: '1', name: 'Order.pdf', documentBase64: PDF }],
      recipients: {
        signers: [
          {
            recipientId: '1',
            roleName: 'Customer',
            routingOrder: '1',
            tabs: {
              signHereTabs: [{ documentId: '1', pageNumber: '1' }],
              textTabs: [{ tabLabel: 'company', documentId: '1' }],
              checkboxTabs: [{ tabLabel: 'terms', documentId: '1' }],
              numberTabs: [{ tabLabel: 'quantity', documentId: '1' }],
              dateTabs: [{ tabLabel: 'start', documentId: '1' }],
              listTabs: [
                {
                  tabLabel: 'size',
                  documentId: '1',
                  listItems: [
                    { text: 'Small', value: 's' },
                    { text: 'Large', value: 'l' },
                  ],
                },
              ],
              radioGroupTabs: [
                { groupName: 'plan', documentId: '1', radios: [{ value: 'basic' }, { value: 'pro' }] },
              ],
            },
          },
        ],
        carbonCopies: [{ recipientId: '2', roleName: 'Legal', routingOrder: '2' }],
      },
    });
    expect(tpl.status).toBe(201);
    const templateId = String(tpl.json.templateId);
    const full = await api('GET', `/templates/${templateId}`);
    expect(list(full.json.recipients?.carbonCopies)[0]!.roleName).toBe('Legal');
    expect(list(full.json.recipients?.signers)[0]!.tabs?.textTabs).toBeDefined();
    const docs = await api('GET', `/templates/${templateId}/documents`);
    expect(list(docs.json.templateDocuments).map((d) => d.name)).toEqual(['Order.pdf']);

    const env = await api('POST', '/envelopes', {
      templateId,
      status: 'sent',
      templateRoles: [
        {
          roleName: 'Customer',
          name: 'Casey Customer',
          email: 'casey@example.org',
          clientUserId: 'casey-1',
          tabs: {
            textTabs: [{ tabLabel: 'company', value: 'Acme' }],
            checkboxTabs: [{ tabLabel: 'terms', selected: 'true' }],
            numberTabs: [{ tabLabel: 'quantity', value: '3' }],
            dateTabs: [{ tabLabel: 'start', value: '2026-07-01' }],
            listTabs: [{ tabLabel: 'size', value: 'l' }],
            radioGroupTabs: [{ groupName: 'plan', radios: [{ value: 'pro', selected: 'true' }] }],
          },
        },
        { roleName: 'Legal', name: 'Lee Legal', email: 'legal@example.org' },
      ],
    });
    expect(env.status, JSON.stringify(env.json)).toBe(201);
    const id = String(env.json.envelopeId);
    const read = await api('GET', `/envelopes/${id}?include=recipients,tabs,documents`);
    expect(read.json.emailSubject).toBe('Please sign the order');
    const s = list(read.json.recipients?.signers)[0]!;
    expect(s.clientUserId).toBe('casey-1');
    expect(list(s.tabs?.textTabs)[0]!.value).toBe('Acme');
    expect(list(s.tabs?.checkboxTabs)[0]!.selected).toBe('true');
    expect(list(s.tabs?.numberTabs)[0]!.value).toBe('3');
    expect(list(s.tabs?.dateTabs)[0]!.value).toBe('2026-07-01');
    const size = list(s.tabs?.listTabs)[0]!;
    expect(size.value).toBe('l');
    expect(list(size.listItems).find((i) => String(i.selected) === 'true')?.text).toBe('Large');
    expect(list(s.tabs?.radioGroupTabs)[0]!.value).toBe('pro');
    expect(list(read.json.recipients?.carbonCopies)[0]!.name).toBe('Lee Legal');
    expect(list(read.json.envelopeDocuments).map((d) => d.name)).toEqual(['Order.pdf', 'Summary']);

    const unknownRole = await api('POST', '/envelopes', {
      templateId,
      templateRoles: [{ roleName: 'Nobody', name: 'N', email: 'n@example.org' }],
    });
    expect(unknownRole.json.errorCode).toBe('INVALID_REQUEST_BODY');

    const moved = await api('PUT', '/folders/recyclebin', { envelopeIds: [templateId] });
    expect(moved.status).toBe(200);
    const names = list((await api('GET', '/templates?count=100')).json.envelopeTemplates).map(
      (t) => t.templateId,
    );
    expect(names).not.toContain(templateId);
    const deleted = await api('GET', '/templates?is_deleted_template_only=true');
    expect(list(deleted.json.envelopeTemplates).map((t) => t.templateId)).toEqual([templateId]);
    expect((await api('GET', `/templates/${templateId}`)).json.deletedDateTime).toBeTypeOf('string');
    const late = await api('POST', '/envelopes', { templateId, templateRoles: [] });
    expect(late.json.errorCode).toBe('TEMPLATE_ID_INVALID');
    expect(sim.account(sim.defaults.accountIds[0]!)!.templatesById.get(templateId)?.deletedMs).toBeDefined();
  });

  it('searches and pages templates', async () => {
    const { api } = setup();
    const all = await api('GET', '/templates?count=2');
    expect(all.json.resultSetSize).toBe('2');
    expect(String(all.json.nextUri)).toContain('start_position=2');
    const first = list(all.json.envelopeTemplates)[0]!;
    const found = await api('GET', `/templates?search_text=${encodeURIComponent(String(first.name))}`);
    expect(list(found.json.envelopeTemplates).map((t) => t.templateId)).toContain(first.templateId);
    const inFolder = await api('GET', `/templates?folder_ids=${first.folderId}`);
    expect(Number(inFolder.json.totalSetSize)).toBeGreaterThan(0);
  });
});

describe('drafts', () => {
  it('updates a draft, sends it, voids only in-process envelopes and resends', async () => {
    const { api, clock } = setup();
    const id = await createEnvelope(api, { signers: [signer('1', '1')] }, 'created');
    const upd = await api('PUT', `/envelopes/${id}`, {
      emailSubject: 'New subject',
      emailBlurb: 'Hello',
      notification: { expirations: { expireEnabled: 'true', expireAfter: '10', expireWarn: '2' } },
    });
    expect(upd.status).toBe(200);
    const voidDraft = await api('PUT', `/envelopes/${id}`, { status: 'voided', voidedReason: 'x' });
    expect(voidDraft.json.errorCode).toBe('ENVELOPE_CANNOT_VOID_INVALID_STATE');
    clock.now += 1000;
    await api('PUT', `/envelopes/${id}`, { status: 'sent' });
    const read = await api('GET', `/envelopes/${id}`);
    expect(read.json.emailSubject).toBe('New subject');
    expect(read.json.status).toBe('sent');
    expect(read.json.expireEnabled).toBe('true');
    expect(read.json.expireDateTime).toBe(
      new Date(clock.now + 10 * 86_400_000).toISOString().replace(/Z$/, '0000Z'),
    ); // seven fractional digits, as DocuSign writes them
    expect(read.json.notification?.expirations?.expireWarn).toBe('2');
    expect((await api('PUT', `/envelopes/${id}`, { emailSubject: 'Too late' })).json.errorCode).toBe(
      'ENVELOPE_CANNOT_CORRECT_INVALID_STATE',
    );
    expect((await api('PUT', `/envelopes/${id}?resend_envelope=true`, {})).status).toBe(200);
    await api('PUT', `/envelopes/${id}`, { status: 'voided', voidedReason: 'Changed my mind' });
    const voided = await api('GET', `/envelopes/${id}`);
    expect(voided.json.voidedReason).toBe('Changed my mind');
    expect((await api('PUT', `/envelopes/${id}?resend_envelope=true`, {})).json.errorCode).toBe(
      'ENVELOPE_CANNOT_RESEND',
    );
  });

  it('deletes drafts and voids in-process envelopes moved to the recycle bin', async () => {
    const { api } = setup();
    const draft = await createEnvelope(api, { signers: [signer('1', '1')] }, 'created');
    const sent = await createEnvelope(api, { signers: [signer('1', '1')] });
    const r = await api('PUT', '/folders/recyclebin', { envelopeIds: [draft, sent] });
    expect(r.status).toBe(200);
    const d = await api('GET', `/envelopes/${draft}?include=folders`);
    expect(d.json.status).toBe('deleted');
    expect(d.json.deletedDateTime).toBeTypeOf('string');
    expect(list(d.json.folders)[0]!.type).toBe('recyclebin');
    const s = await api('GET', `/envelopes/${sent}`);
    expect(s.json.status).toBe('voided');
  });

  it('lists drafts with status=created, searches recipients, pages with nextUri, includes recipients and documents', async () => {
    const { api } = setup();
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(await createEnvelope(api, { signers: [signer('1', '1')] }, 'created'));
    const drafts = await api(
      'GET',
      '/envelopes?from_date=2026-05-31&status=created&count=2&include=recipients,documents',
    );
    expect(drafts.json.totalSetSize).toBe('3');
    expect(drafts.json.resultSetSize).toBe('2');
    expect(String(drafts.json.nextUri)).toContain('start_position=2');
    const first = list(drafts.json.envelopes)[0]!;
    expect(list(first.recipients?.signers)[0]!.email).toBe('signer1@example.org');
    expect(list(first.envelopeDocuments)[0]!.name).toBe('Doc.pdf');
    const next = await api('GET', `/envelopes?from_date=2026-05-31&status=created&count=2&start_position=2`);
    expect(list(next.json.envelopes).length).toBe(1);
    expect(next.json.nextUri).toBe('');
    const search = await api(
      'GET',
      '/envelopes?from_date=2026-05-31&status=created,sent&search_text=signer1@example.org',
    );
    expect(Number(search.json.totalSetSize)).toBe(3);
    const missing = await api('GET', '/envelopes?status=created');
    expect(missing.json.errorCode).toBe('INVALID_REQUEST_PARAMETER');
    const byIds = await api('GET', `/envelopes?envelope_ids=${ids[0]},${ids[1]}`);
    expect(byIds.json.totalSetSize).toBe('2');
    const drafts2 = await api('GET', '/envelopes?from_date=2026-05-31&folder_ids=draft');
    expect(drafts2.json.totalSetSize).toBe('3');
  });
});

describe('folders', () => {
  it('pages and filters the items of a folder', async () => {
    const { api } = setup();
    for (let i = 0; i < 3; i++)
      await createEnvelope(api, { signers: [signer(String(i + 1), '1')] }, 'created');
    const folders = list((await api('GET', '/folders')).json.folders);
    const draft = folders.find((f) => String(f.type) === 'draft')!;
    const page = await api('GET', `/folders/${draft.folderId}?count=2`);
    expect(page.json.totalSetSize).toBe('3');
    expect(list(list(page.json.folders)[0]!.folderItems).length).toBe(2);
    expect(String(page.json.nextUri)).toContain('start_position=2');
    const found = await api('GET', `/folders/${draft.folderId}?search_text=signer2@example.org`);
    expect(found.json.totalSetSize).toBe('1');
    const sent = await api('GET', `/folders/${draft.folderId}?status=sent`);
    expect(sent.json.totalSetSize).toBe('0');
    const bad = await api('GET', `/folders/${draft.folderId}?from_date=never`);
    expect(bad.json.errorCode).toBe('INVALID_REQUEST_PARAMETER');
  });
});

describe('tabs and signing', () => {
  it('signs with tab values through the control API and reports them', async () => {
    const { api, sign } = setup();
    const id = await createEnvelope(api, {
      signers: [
        signer('1', '1', {
          tabs: {
            signHereTabs: [{ documentId: '1' }],
            textTabs: [{ tabLabel: 'title', documentId: '1' }],
            checkboxTabs: [{ tabLabel: 'agree', documentId: '1' }],
            fullNameTabs: [{ documentId: '1' }],
            dateSignedTabs: [{ documentId: '1' }],
          },
        }),
      ],
    });
    const unknown = await sign(id, '1', { nope: 'x' });
    expect(unknown.json).toEqual({
      errorCode: 'INVALID_TAB_LABEL',
      message: expect.stringContaining('nope'),
    });
    expect((await sign(id, '1', { title: 'CEO', agree: 'true' })).status).toBe(200);
    const tabs = (await api('GET', `/envelopes/${id}/recipients/1/tabs`)).json;
    expect(list(tabs.textTabs)[0]!.value).toBe('CEO');
    expect(list(tabs.checkboxTabs)[0]!.selected).toBe('true');
    expect(list(tabs.fullNameTabs)[0]!.value).toBe('Signer 1');
    expect(list(tabs.dateSignedTabs)[0]!.value).toBe('2026-06-01');
    const docTabs = (await api('GET', `/envelopes/${id}/documents/1/tabs`)).json;
    expect(list(docTabs.textTabs)[0]!.recipientId).toBe('1');
  });

  it('completes the envelope after the last embedded signer signs through the view URL', async () => {
    const { api, sim } = setup();
    const id = await createEnvelope(api, {
      signers: [signer('1', '1', { clientUserId: 'a' }), signer('2', '2', { clientUserId: 'b' })],
    });
    const early = await api('POST', `/envelopes/${id}/views/recipient`, {
      returnUrl: 'https://app.example/done',
      authenticationMethod: 'none',
      recipientId: '2',
      clientUserId: 'b',
    });
    expect(early.json.errorCode).toBe('RECIPIENT_NOT_IN_SEQUENCE');
    for (const [rid, cid] of [
      ['1', 'a'],
      ['2', 'b'],
    ] as const) {
      const view = await api('POST', `/envelopes/${id}/views/recipient`, {
        returnUrl: 'https://app.example/done',
        authenticationMethod: 'none',
        userName: `Signer ${rid}`,
        email: `signer${rid}@example.org`,
        clientUserId: cid,
      });
      const url = String(view.json.url);
      expect((await sim.fetch(url)).status).toBe(200);
      const done = await sim.fetch(url, { method: 'POST', body: new URLSearchParams({ decision: 'sign' }) });
      expect(done.headers.get('location')).toBe('https://app.example/done?event=signing_complete');
    }
    const env = await api('GET', `/envelopes/${id}`);
    expect(env.json.status).toBe('completed');
    expect(env.json.completedDateTime).toBeTypeOf('string');
  });
});

describe('views', () => {
  it('sends a draft from the sender view page and redirects with event=Send', async () => {
    const { api, sim } = setup();
    const id = await createEnvelope(api, { signers: [signer('1', '1')] }, 'created');
    const view = await api('POST', `/envelopes/${id}/views/sender`, {
      returnUrl: 'https://app.example/sent',
    });
    const url = String(view.json.url);
    expect((await sim.fetch(url)).status).toBe(200);
    const done = await sim.fetch(url, { method: 'POST', body: new URLSearchParams({ decision: 'send' }) });
    expect(done.headers.get('location')).toBe('https://app.example/sent?event=Send');
    expect((await api('GET', `/envelopes/${id}`)).json.status).toBe('sent');
    const again = await sim.fetch(url);
    expect(again.headers.get('location')).toBe('https://app.example/sent?event=ttl_expired');
  });
});

describe('documents', () => {
  it('adds and removes documents of a draft, removing their tabs', async () => {
    const { api } = setup();
    const id = await createEnvelope(api, { signers: [signer('1', '1')] }, 'created');
    await api('PUT', `/envelopes/${id}/documents`, {
      documents: [{ name: 'Extra.pdf', documentBase64: PDF }],
    });
    await api('POST', `/envelopes/${id}/recipients/1/tabs`, {
      textTabs: [{ tabLabel: 'x', documentId: '2' }],
    });
    const docs = await api('GET', `/envelopes/${id}/documents`);
    expect(list(docs.json.envelopeDocuments).map((d) => d.documentId)).toEqual(['1', '2', 'certificate']);
    await api('DELETE', `/envelopes/${id}/documents`, { documents: [{ documentId: '2' }] });
    const tabs = await api('GET', `/envelopes/${id}/recipients/1/tabs`);
    expect(tabs.json.textTabs).toBeUndefined();
  });

  it('serves the archive as a STORE zip of the documents and the certificate', async () => {
    const { api } = setup();
    const id = await createEnvelope(api, { signers: [signer('1', '1')] });
    const r = await api('GET', `/envelopes/${id}/documents/archive`);
    expect(r.res.headers.get('content-type')).toBe('application/zip');
    expect(r.res.headers.get('content-disposition')).toBe(`file; filename="${id}.zip"; documentid="archive"`);
    const bytes = new Uint8Array(await r.res.arrayBuffer());
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    const end = bytes.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect(view.getUint16(end + 10, true)).toBe(2);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('1_Doc.pdf');
    expect(text).toContain('Summary.pdf');
    expect(text).toContain('% test document');
  });

  it('streams a large document generated on the fly, with its exact length', async () => {
    const { api, sim } = setup();
    const id = await createEnvelope(api, { signers: [signer('1', '1')] });
    const size = 50 * 1024 * 1024;
    const { documentId } = sim.actions.attachLargeDocument(id, { sizeBytes: size, name: 'Big.pdf' });
    expect(documentId).toBe('2');
    const r = await api('GET', `/envelopes/${id}/documents/${documentId}`);
    expect(r.res.headers.get('content-length')).toBe(String(size));
    expect(r.res.headers.get('content-disposition')).toBe('file; filename="Big.pdf"; documentid="2"');
    const reader = r.res.body!.getReader();
    let total = 0;
    let chunks = 0;
    let first = '';
    let last = new Uint8Array();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (chunks === 0) first = new TextDecoder().decode(value.slice(0, 8));
      total += value.length;
      chunks++;
      last = value;
    }
    expect(total).toBe(size);
    expect(chunks).toBeGreaterThan(100);
    expect(first).toBe('%PDF-1.4');
    const tail = new TextDecoder().decode(last);
    expect(tail.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)/.exec(tail)![1]);
    expect(startxref).toBeGreaterThan(size - 2000);
  });
});

describe('documents over real HTTP', () => {
  it('streams a large document through a real server with its Content-Length', async () => {
    const { sim, api } = setup();
    const id = await createEnvelope(api, { signers: [signer('1', '1')] });
    const size = 8 * 1024 * 1024 + 3;
    sim.actions.attachLargeDocument(id, { sizeBytes: size, documentId: '7' });
    const { url, close } = await startSimulatorServer(sim);
    try {
      const token = sim.issueTokens().access_token;
      const res = await fetch(
        `${url}/restapi/v2.1/accounts/${sim.defaults.accountIds[0]}/envelopes/${id}/documents/7`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(size));
      expect((await res.arrayBuffer()).byteLength).toBe(size);
    } finally {
      await close();
    }
  });
});

describe('contacts and groups', () => {
  it('lists every contact when GET /contacts has no id, conforming to contactGetResponse', async () => {
    const { api } = setup();
    await api('POST', '/contacts', { contactList: [{ name: 'Partner', emails: ['p@example.org'] }] });
    const all = await api('GET', '/contacts');
    expect(all.status).toBe(200);
    expect(
      validateAgainstSpec('esignature', 'Contacts_GetContactById', 200, all.json, { strict: true }),
    ).toEqual([]);
    expect(list(all.json.contacts).map((c) => c.name)).toContain('Partner');
    expect(all.json.totalSetSize).toBe(String(list(all.json.contacts).length));
    const paged = await api('GET', '/contacts?count=1');
    expect(paged.json.resultSetSize).toBe('1');
    expect(String(paged.json.nextUri)).toContain('start_position=1');
  });

  it('pages groups and group users', async () => {
    const { api } = setup();
    const groups = await api('GET', '/groups?count=1');
    expect(groups.json.resultSetSize).toBe('1');
    expect(String(groups.json.nextUri)).toContain('start_position=1');
    const everyone = list((await api('GET', '/groups')).json.groups).find(
      (g) => String(g.groupType) === 'everyoneGroup',
    )!;
    const users = await api('GET', `/groups/${everyone.groupId}/users?count=5&start_position=5`);
    expect(users.json.startPosition).toBe('5');
    expect(users.json.resultSetSize).toBe('5');
    expect(String(users.json.previousUri)).toContain('start_position=0');
  });
});
