import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
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

const CONTACTS = '/unified/e-signature/contacts';
const primary = (): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
const send = (method: string, path: string, body?: unknown, connection = ia) =>
  t.request(`${path}${path.includes('?') ? '&' : '?'}integrated_account_id=${connection}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

describe('GET /unified/e-signature/contacts', () => {
  it('lists the address book (GET contacts without an id), page by page', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const body = await json(await send('GET', `${CONTACTS}?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      ids.push(...body.result.map((c: { id: string }) => c.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(ids.sort()).toEqual([...primary().contacts.keys()].sort());
    const call = t.sim.log.entries.find((e) => e.method === 'GET' && e.path.endsWith('/contacts'));
    expect(call).toBeDefined();
  });
});

describe('GET /unified/e-signature/contacts/{id}', () => {
  it('maps a contact', async () => {
    const contact = [...primary().contacts.values()][0]!;
    const res = await send('GET', `${CONTACTS}/${contact.contactId}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      id: contact.contactId,
      name: contact.name,
      emails: contact.emails,
      organization: contact.organization,
      phones: contact.phones.map((p) => ({ number: p.phoneNumber, type: p.phoneType })),
      is_shared: contact.shared,
      is_owner: true,
      account_id: primary().accountId,
    });
  });

  it('answers 404 for an unknown contact', async () => {
    const res = await send('GET', `${CONTACTS}/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.details).toMatchObject({ errorCode: 'INVALID_CONTACT_ID' });
  });
});

describe('POST, PATCH, DELETE /unified/e-signature/contacts', () => {
  it('creates, updates and deletes a contact', async () => {
    const created = await send('POST', CONTACTS, {
      name: 'Katherine Johnson',
      emails: ['kj@example.com'],
      organization: 'NASA',
      phones: [{ number: '+1 555 0199', type: 'work' }],
    });
    expect(created.status).toBe(201);
    const contact = await json(created);
    expect(contact).toMatchObject({
      name: 'Katherine Johnson',
      emails: ['kj@example.com'],
      phones: [{ number: '+1 555 0199', type: 'work' }],
    });
    expect(primary().contacts.get(contact.id)!.organization).toBe('NASA');

    const updated = await send('PATCH', `${CONTACTS}/${contact.id}`, { organization: 'Langley' });
    expect(updated.status).toBe(200);
    expect(await json(updated)).toMatchObject({
      id: contact.id,
      organization: 'Langley',
      name: 'Katherine Johnson',
    });

    const deleted = await send('DELETE', `${CONTACTS}/${contact.id}`);
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toEqual({ id: contact.id });
    expect(primary().contacts.has(contact.id)).toBe(false);
  });

  it('answers 404 when updating or deleting an unknown contact', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await send('PATCH', `${CONTACTS}/${unknown}`, { name: 'X' })).status).toBe(404);
    expect((await send('DELETE', `${CONTACTS}/${unknown}`)).status).toBe(404);
  });

  it('refuses writes on a read connection (403) and without account_id on a sync-all one (400)', async () => {
    const forbidden = await send('POST', CONTACTS, { name: 'Nobody' }, readOnly);
    expect(forbidden.status).toBe(403);
    const ambiguous = await send('POST', CONTACTS, { name: 'Nobody' }, all);
    expect(ambiguous.status).toBe(400);
    const chosen = await send(
      'POST',
      `${CONTACTS}?account_id=${t.sim.defaults.accountIds[1]}`,
      { name: 'Somebody' },
      all,
    );
    expect(chosen.status).toBe(201);
    expect((await json(chosen)).account_id).toBe(t.sim.defaults.accountIds[1]);
  });

  it('validates the body (400)', async () => {
    expect((await send('POST', CONTACTS, { name: 'Bad', emails: ['not-an-email'] })).status).toBe(400);
  });
});
