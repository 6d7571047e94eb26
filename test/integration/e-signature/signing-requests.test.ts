import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { BASE, call, createTemplate, documentRequest } from './signing-request-helpers';

let t: ConnectedApp;
let rw: string;
let readOnly: string;
let all: string;
let templateId: string;

beforeAll(async () => {
  t = await createConnectedApp();
  rw = await t.connect();
  readOnly = await t.connect({ permission: 'read' });
  all = await t.connect({ allAccounts: true });
  templateId = await createTemplate(t, rw);
});
afterAll(() => t.close());

/** Opens an embed URL in the simulator's signing page and signs; returns where DocuSign sent the signer. */
async function signThrough(url: string): Promise<string> {
  const page = await t.sim.fetch(url);
  expect(page.status).toBe(200);
  const done = await t.sim.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=sign',
    redirect: 'manual',
  });
  expect(done.status).toBe(302);
  return done.headers.get('location') ?? '';
}

describe('POST /unified/e-signature/signing-requests from a template', () => {
  it('creates a request with prefilled fields and three participants in sequential routing, and reads it back', async () => {
    const { res, body } = await call(t, rw, 'POST', BASE, {
      body: {
        template_id: templateId,
        name: 'NDA for Acme',
        message: 'Please sign the NDA',
        send: true,
        expires_in_days: 30,
        reminder_delay_days: 2,
        reminder_frequency_days: 3,
        participants: [
          {
            template_role: 'Client',
            name: 'Ada Lovelace',
            email: 'ada@example.com',
            routing_order: 1,
            fields: [
              { type: 'text', label: 'company', value: 'Acme Ltd' },
              { type: 'checkbox', label: 'terms', value: true },
              { type: 'list', label: 'plan', value: 'pro' },
              { type: 'date', label: 'start', value: '2027-01-01' },
            ],
          },
          { template_role: 'Manager', name: 'Grace Hopper', email: 'grace@example.com', routing_order: 2 },
          {
            role: 'cc',
            template_role: 'Legal',
            name: 'Legal Team',
            email: 'legal@example.com',
            routing_order: 3,
          },
        ],
      },
    });
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({
      name: 'NDA for Acme',
      message: 'Please sign the NDA',
      status: { id: 'sent', name: 'sent' },
      template: { id: templateId },
      current_routing_order: 1,
    });
    expect(body.expires_at).not.toBeNull();
    expect(
      body.participants.map((p: Record<string, unknown>) => [p.routing_order, p.role, p.email, p.status]),
    ).toEqual([
      [1, 'signer', 'ada@example.com', 'sent'],
      [2, 'signer', 'grace@example.com', 'created'],
      [3, 'cc', 'legal@example.com', 'created'],
    ]);
    const fields = Object.fromEntries(
      body.participants[0].fields.map((f: { label: string; value: unknown; type: string }) => [
        f.label,
        [f.type, f.value],
      ]),
    );
    expect(fields).toMatchObject({
      company: ['text', 'Acme Ltd'],
      terms: ['checkbox', true],
      plan: ['list', 'pro'],
      start: ['date', '2027-01-01'],
    });
    expect(body.documents[0]).toMatchObject({ id: '1', name: 'NDA.pdf' });

    const again = await call(t, rw, 'GET', `${BASE}/${body.id}`);
    expect(again.res.status).toBe(200);
    expect(again.body).toMatchObject({ id: body.id, template: { id: templateId }, status: { id: 'sent' } });
    expect(again.body.participants).toEqual(body.participants);

    const raw = await call(t, rw, 'GET', `${BASE}/${body.id}`, { query: 'include_remote_data=true' });
    expect(raw.body.remote_data.envelopeId).toBe(body.id);
  });

  it('refuses a template role the template does not have with a 400 carrying DocuSign’s error', async () => {
    const { res, body } = await call(t, rw, 'POST', BASE, {
      body: {
        template_id: 'no-such-template',
        participants: [{ template_role: 'Client', name: 'A', email: 'a@example.com' }],
      },
    });
    expect(res.status).toBe(400);
    expect(body.error).toMatchObject({
      code: 'invalid_request',
      details: { errorCode: 'TEMPLATE_ID_INVALID' },
    });
  });
});

describe('embedded signing', () => {
  it('signs through embed-url, in routing order, until the request is completed; then downloads the PDFs', async () => {
    const created = await call(t, rw, 'POST', BASE, {
      body: documentRequest([
        { email: 'one@example.com', embedded: true },
        { email: 'two@example.com', embedded: true },
      ]),
    });
    expect(created.res.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(created.body.participants.map((p: { is_embedded: boolean }) => p.is_embedded)).toEqual([
      true,
      true,
    ]);

    // The second signer's turn has not come yet: DocuSign refuses, and the gateway says so with a 409.
    const early = await call(t, rw, 'POST', `${BASE}/${id}/embed-url`, {
      body: { participant_id: '2', return_url: 'https://app.example/done' },
    });
    expect(early.res.status).toBe(409);

    for (const participant of ['1', '2']) {
      const view = await call(t, rw, 'POST', `${BASE}/${id}/embed-url`, {
        body: { participant_id: participant, return_url: 'https://app.example/done' },
      });
      expect(view.res.status, JSON.stringify(view.body)).toBe(200);
      expect(view.body.participant_id).toBe(participant);
      expect(await signThrough(view.body.url)).toBe('https://app.example/done?event=signing_complete');
    }

    const done = await call(t, rw, 'GET', `${BASE}/${id}`);
    expect(done.body.status.id).toBe('completed');
    expect(done.body.completed_at).not.toBeNull();
    for (const p of done.body.participants) {
      expect(p.status).toBe('completed');
      expect(p.signed_at).not.toBeNull();
    }

    for (const document of ['combined', 'certificate']) {
      const res = await t.request(`${BASE}/${id}/download?integrated_account_id=${rw}&document=${document}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^file; filename=/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe('%PDF');
    }
    const archive = await t.request(`${BASE}/${id}/download?integrated_account_id=${rw}&document=archive`);
    expect(archive.headers.get('content-type')).toBe('application/zip');
    expect(new TextDecoder().decode(new Uint8Array(await archive.arrayBuffer()).slice(0, 2))).toBe('PK');

    // A completed request cannot be voided: 409 naming the state.
    const voided = await call(t, rw, 'POST', `${BASE}/${id}/void`, { body: { reason: 'Changed our mind' } });
    expect(voided.res.status).toBe(409);
    expect(voided.body.error.message).toContain('is completed');
    expect(voided.body.error.details).toMatchObject({ status: 'completed' });
  });

  it('refuses embed-url for a participant who is not embedded', async () => {
    const created = await call(t, rw, 'POST', BASE, {
      body: documentRequest([{ email: 'mail@example.com' }]),
    });
    const res = await call(t, rw, 'POST', `${BASE}/${created.body.id}/embed-url`, {
      body: { participant_id: '1', return_url: 'https://app.example/done' },
    });
    expect(res.res.status).toBe(409);
    expect(res.body.error.message).toContain('not an embedded participant');
  });

  it('returns 404 for an unknown document and an unknown request', async () => {
    const created = await call(t, rw, 'POST', BASE, { body: documentRequest([{ email: 'x@example.com' }]) });
    const doc = await t.request(
      `${BASE}/${created.body.id}/download?integrated_account_id=${rw}&document=42`,
    );
    expect(doc.status).toBe(404);
    const missing = await call(t, rw, 'GET', `${BASE}/00000000-0000-0000-0000-000000000000`);
    expect(missing.res.status).toBe(404);
    expect(missing.body.error.details).toMatchObject({ errorCode: 'ENVELOPE_DOES_NOT_EXIST' });
  });
});

describe('actions', () => {
  it('sends a draft, resends, voids with a reason, and refuses a second void with 409', async () => {
    const draft = await call(t, rw, 'POST', BASE, {
      body: documentRequest([{ email: 'v@example.com' }], false),
    });
    expect(draft.body.status.id).toBe('created');
    const sent = await call(t, rw, 'POST', `${BASE}/${draft.body.id}/send`);
    expect(sent.res.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.status.id).toBe('sent');
    expect((await call(t, rw, 'POST', `${BASE}/${draft.body.id}/resend`)).res.status).toBe(200);
    const noReason = await call(t, rw, 'POST', `${BASE}/${draft.body.id}/void`, { body: {} });
    expect(noReason.res.status).toBe(400);
    const voided = await call(t, rw, 'POST', `${BASE}/${draft.body.id}/void`, {
      body: { reason: 'Wrong contract' },
    });
    expect(voided.body).toMatchObject({ status: { id: 'voided' }, voided_reason: 'Wrong contract' });
    const twice = await call(t, rw, 'POST', `${BASE}/${draft.body.id}/void`, { body: { reason: 'again' } });
    expect(twice.res.status).toBe(409);
    expect((await call(t, rw, 'POST', `${BASE}/${draft.body.id}/send`)).res.status).toBe(409);
  });

  it('returns an embedded sending URL for a draft and a correction URL for a sent request', async () => {
    const draft = await call(t, rw, 'POST', BASE, {
      body: documentRequest([{ email: 'e@example.com' }], false),
    });
    const sending = await call(t, rw, 'POST', `${BASE}/${draft.body.id}/edit-url`, {
      body: { return_url: 'https://app.example/back' },
    });
    expect(sending.res.status, JSON.stringify(sending.body)).toBe(200);
    expect(sending.body.mode).toBe('sending');
    expect(sending.body.url).toMatch(/^http/);
    await call(t, rw, 'POST', `${BASE}/${draft.body.id}/send`);
    const correcting = await call(t, rw, 'POST', `${BASE}/${draft.body.id}/edit-url`, {
      body: { return_url: 'https://app.example/back' },
    });
    expect(correcting.body.mode).toBe('correction');
  });
});

describe('PATCH and DELETE /unified/e-signature/signing-requests/{id}', () => {
  it('updates a draft (subject, message, expiry, a participant) and deletes it', async () => {
    const draft = await call(t, rw, 'POST', BASE, {
      body: documentRequest([{ email: 'd@example.com' }], false),
    });
    const id = draft.body.id as string;
    const updated = await call(t, rw, 'PATCH', `${BASE}/${id}`, {
      body: {
        name: 'Renamed',
        message: 'New message',
        expires_in_days: 10,
        participants: [{ id: '1', name: 'Dora Draft', email: 'dora@example.com' }],
      },
    });
    expect(updated.res.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Renamed', message: 'New message' });
    expect(updated.body.participants[0]).toMatchObject({
      id: '1',
      name: 'Dora Draft',
      email: 'dora@example.com',
    });

    const deleted = await call(t, rw, 'DELETE', `${BASE}/${id}`);
    expect(deleted.res.status).toBe(200);
    expect(deleted.body).toEqual({ id });
    expect((await call(t, rw, 'GET', `${BASE}/${id}`)).body.status.id).toBe('deleted');
  });

  it('refuses to update or delete a sent request with a 409 that points to void', async () => {
    const sent = await call(t, rw, 'POST', BASE, { body: documentRequest([{ email: 's@example.com' }]) });
    const del = await call(t, rw, 'DELETE', `${BASE}/${sent.body.id}`);
    expect(del.res.status).toBe(409);
    expect(del.body.error.message).toMatch(/is sent: .*void/);
    const patch = await call(t, rw, 'PATCH', `${BASE}/${sent.body.id}`, { body: { name: 'x' } });
    expect(patch.res.status).toBe(409);
    // Nothing was voided by the refused delete.
    expect((await call(t, rw, 'GET', `${BASE}/${sent.body.id}`)).body.status.id).toBe('sent');
  });
});

describe('participants', () => {
  it('adds, updates and removes participants of a draft', async () => {
    const draft = await call(t, rw, 'POST', BASE, {
      body: documentRequest([{ email: 'p1@example.com' }], false),
    });
    const id = draft.body.id as string;
    const added = await call(t, rw, 'POST', `${BASE}/${id}/participants`, {
      body: {
        participants: [
          { role: 'signer', name: 'Second', email: 'p2@example.com', routing_order: 2 },
          { role: 'cc', name: 'Copy', email: 'cc@example.com', routing_order: 3 },
        ],
      },
    });
    expect(added.res.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.participants.map((p: { id: string; role: string }) => [p.id, p.role])).toEqual([
      ['1', 'signer'],
      ['2', 'signer'],
      ['3', 'cc'],
    ]);
    const changed = await call(t, rw, 'PATCH', `${BASE}/${id}/participants/3`, {
      body: { name: 'Copy Renamed', routing_order: 4 },
    });
    expect(changed.res.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.participants[2]).toMatchObject({
      id: '3',
      name: 'Copy Renamed',
      routing_order: 4,
      role: 'cc',
    });
    const removed = await call(t, rw, 'DELETE', `${BASE}/${id}/participants/2`);
    expect(removed.res.status).toBe(200);
    expect(removed.body.participants.map((p: { id: string }) => p.id)).toEqual(['1', '3']);
    expect((await call(t, rw, 'DELETE', `${BASE}/${id}/participants/9`)).res.status).toBe(404);
  });

  it('cannot change a participant who already signed (409)', async () => {
    const sent = await call(t, rw, 'POST', BASE, {
      body: documentRequest([{ email: 'a1@example.com' }, { email: 'a2@example.com' }]),
    });
    t.sim.actions.signRecipient(sent.body.id, '1');
    const res = await call(t, rw, 'PATCH', `${BASE}/${sent.body.id}/participants/1`, {
      body: { name: 'Late' },
    });
    expect(res.res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ errorCode: 'RECIPIENT_UPDATE_FAILED' });
  });
});

describe('Idempotency-Key and permissions', () => {
  it('replays a create with the same key and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'create-once-1' };
    const body = documentRequest([{ email: 'idem@example.com' }], false);
    const first = await call(t, rw, 'POST', BASE, { body, headers });
    const second = await call(t, rw, 'POST', BASE, { body, headers });
    expect(second.res.status).toBe(201);
    expect(second.res.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const other = await call(t, rw, 'POST', BASE, { body: { ...body, name: 'Other' }, headers });
    expect(other.res.status).toBe(409);
    const voidKey = { 'idempotency-key': 'void-once-1' };
    await call(t, rw, 'POST', `${BASE}/${first.body.id}/send`);
    const v1 = await call(t, rw, 'POST', `${BASE}/${first.body.id}/void`, {
      body: { reason: 'r' },
      headers: voidKey,
    });
    const v2 = await call(t, rw, 'POST', `${BASE}/${first.body.id}/void`, {
      body: { reason: 'r' },
      headers: voidKey,
    });
    expect([v1.res.status, v2.res.status]).toEqual([200, 200]);
    expect(v2.res.headers.get('idempotent-replayed')).toBe('true');
  });

  it('gives a read connection 403 forbidden on every write and action, and lets it read', async () => {
    const sent = await call(t, rw, 'POST', BASE, { body: documentRequest([{ email: 'r@example.com' }]) });
    const id = sent.body.id as string;
    const writes: [string, string, unknown][] = [
      ['POST', BASE, documentRequest([{ email: 'r@example.com' }])],
      ['PATCH', `${BASE}/${id}`, { name: 'x' }],
      ['DELETE', `${BASE}/${id}`, undefined],
      ['POST', `${BASE}/${id}/send`, undefined],
      ['POST', `${BASE}/${id}/void`, { reason: 'x' }],
      ['POST', `${BASE}/${id}/resend`, undefined],
      ['POST', `${BASE}/${id}/embed-url`, { participant_id: '1', return_url: 'https://a.example/' }],
      ['POST', `${BASE}/${id}/edit-url`, { return_url: 'https://a.example/' }],
      ['POST', `${BASE}/${id}/participants`, { participants: [{ name: 'n', email: 'n@example.com' }] }],
      ['PATCH', `${BASE}/${id}/participants/1`, { name: 'n' }],
      ['DELETE', `${BASE}/${id}/participants/1`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(t, readOnly, method, path, { body });
      expect(res.res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await call(t, readOnly, 'GET', `${BASE}/${id}`)).res.status).toBe(200);
    expect((await t.request(`${BASE}/${id}/download?integrated_account_id=${readOnly}`)).status).toBe(200);
  });

  it('needs account_id for writes on a sync-all connection', async () => {
    const res = await call(t, all, 'POST', BASE, { body: documentRequest([{ email: 'sa@example.com' }]) });
    expect(res.res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ param: 'account_id' });
    const ok = await call(t, all, 'POST', BASE, {
      body: documentRequest([{ email: 'sa@example.com' }]),
      query: `account_id=${t.sim.defaults.accountIds[1]}`,
    });
    expect(ok.res.status).toBe(201);
    expect(ok.body.account_id).toBe(t.sim.defaults.accountIds[1]);
  });
});
