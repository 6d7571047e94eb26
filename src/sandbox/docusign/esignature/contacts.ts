/** eSignature contacts (account address book): list, get by id, add, update, delete. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { requestRandom } from '../envelope-builder';
import { contactView } from '../esignature-views';
import type { SimContact } from '../state';
import { type Ctx, EsignError, pageFields, readJson, startAndCount, str, truthy } from './common';

type ContactBody = {
  contactId?: unknown;
  name?: unknown;
  emails?: unknown[];
  organization?: unknown;
  shared?: unknown;
  contactPhoneNumbers?: { phoneNumber?: unknown; phoneType?: unknown }[];
};

const phones = (b: ContactBody) =>
  (b.contactPhoneNumbers ?? []).map((p) => ({
    phoneNumber: str(p.phoneNumber) ?? '',
    phoneType: str(p.phoneType) ?? '',
  }));

/** Registers `/contacts` routes. */
export function registerContactRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const notFound = () => new EsignError('INVALID_CONTACT_ID', 'The contact ID is not valid.');

  // The reference of GET /contacts/{contactId}: "To return all contacts associated with an account, omit this
  // parameter." The simulator answers the path without the id with every contact the caller can see (own or shared).
  app.get('/contacts', (c) => {
    const caller = c.get('grant').userId;
    const { start, count } = startAndCount(c, 1000, 1000);
    const visible = [...c.get('account').contacts.values()].filter(
      (x) => x.shared || x.ownerUserId === caller,
    );
    const page = visible.slice(start, start + count).map((x) => contactView(x, caller));
    return c.json({ contacts: page, ...pageFields(c, sim, start, page.length, visible.length, count) });
  });

  app.get('/contacts/:contactId', (c) => {
    const contact = c.get('account').contacts.get(c.req.param('contactId'));
    if (!contact) throw notFound();
    return c.json({
      contacts: [contactView(contact, c.get('grant').userId)],
      resultSetSize: '1',
      startPosition: '0',
      endPosition: '0',
      totalSetSize: '1',
    });
  });

  app.post('/contacts', async (c) => {
    const account = c.get('account');
    const body = await readJson<{ contactList?: ContactBody[] }>(c);
    const rng = requestRandom(
      sim.state.seed,
      `contacts:${account.accountId}:${account.contacts.size}:${sim.now()}`,
    );
    const contacts = (body.contactList ?? []).map((b) => {
      const emails = (b.emails ?? []).map((e) => str(e) ?? '').filter(Boolean);
      if (!str(b.name) && emails.length === 0) {
        return {
          errorDetails: { errorCode: 'INVALID_REQUEST_BODY', message: 'A contact needs a name or an email.' },
        };
      }
      const contact: SimContact = {
        contactId: rng.guid(),
        name: str(b.name) ?? '',
        emails,
        organization: str(b.organization),
        phones: phones(b),
        shared: truthy(b.shared),
        ownerUserId: c.get('grant').userId,
      };
      account.contacts.set(contact.contactId, contact);
      return contactView(contact, contact.ownerUserId);
    });
    return c.json({ contacts }, 201);
  });

  app.put('/contacts', async (c) => {
    const account = c.get('account');
    const body = await readJson<{ contactList?: ContactBody[] }>(c);
    const contacts = (body.contactList ?? []).map((b) => {
      const contact = account.contacts.get(str(b.contactId) ?? '');
      if (!contact)
        return {
          contactId: str(b.contactId),
          errorDetails: { errorCode: 'INVALID_CONTACT_ID', message: 'The contact ID is not valid.' },
        };
      if (str(b.name) !== undefined) contact.name = str(b.name)!;
      if (b.emails) contact.emails = b.emails.map((e) => str(e) ?? '').filter(Boolean);
      if (str(b.organization) !== undefined) contact.organization = str(b.organization);
      if (b.contactPhoneNumbers) contact.phones = phones(b);
      if (b.shared !== undefined) contact.shared = truthy(b.shared);
      return contactView(contact, c.get('grant').userId);
    });
    return c.json({ contacts });
  });

  const remove = (c: Ctx, id: string) => {
    const account = c.get('account');
    const contact = account.contacts.get(id);
    if (!contact)
      return {
        contactId: id,
        errorDetails: { errorCode: 'INVALID_CONTACT_ID', message: 'The contact ID is not valid.' },
      };
    account.contacts.delete(id);
    return contactView(contact, c.get('grant').userId);
  };

  app.delete('/contacts', async (c) => {
    const body = await readJson<{ contactList?: ContactBody[] }>(c);
    return c.json({ contacts: (body.contactList ?? []).map((b) => remove(c, str(b.contactId) ?? '')) });
  });

  app.delete('/contacts/:contactId', (c) => {
    const result = remove(c, c.req.param('contactId'));
    if ('errorDetails' in result) throw notFound();
    return c.json({ contacts: [result] });
  });
}
