/** `/unified/e-signature/contacts`: the account's address book. */
import { z } from '@hono/zod-openapi';
import type { Router } from '../../../http/openapi';
import type { UnifiedRouteDeps } from '../deps';
import { registerUnifiedResource } from '../resource';
import { accountId, esignatureRecord } from './record-schema';

const Phone = z.object({ number: z.string(), type: z.string().nullable() });

export const ContactSchema = esignatureRecord({
  id: z.string(),
  name: z.string().nullable(),
  emails: z.array(z.string()).nullable(),
  organization: z.string().nullable(),
  phones: z.array(Phone).nullable(),
  is_shared: z.boolean().nullable(),
  is_owner: z.boolean().nullable(),
  account_id: accountId,
}).openapi('Contact', {
  example: {
    id: '6f0c1a9e-3b2d-4e5f-8a7b-1c2d3e4f5a6b',
    name: 'Grace Hopper',
    emails: ['grace@example.com'],
    organization: 'Navy',
    phones: [{ number: '+1 555 0100', type: 'mobile' }],
    is_shared: false,
    is_owner: true,
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

const ContactInput = z
  .object({
    name: z.string().min(1),
    emails: z.array(z.email()).optional(),
    organization: z.string().optional(),
    phones: z.array(z.object({ number: z.string().min(1), type: z.string().optional() })).optional(),
    is_shared: z.boolean().optional(),
  })
  .openapi('CreateContact');

/** Registers list, get, create, update and delete of `/unified/e-signature/contacts`. */
export function registerContacts(app: Router, deps: UnifiedRouteDeps): void {
  registerUnifiedResource(app, deps, {
    model: 'e-signature',
    resource: 'contacts',
    title: 'Contacts',
    schema: ContactSchema,
    list: { filters: z.object({}), name: 'ContactList' },
    get: true,
    create: { body: ContactInput },
    update: { body: ContactInput.partial().openapi('UpdateContact') },
    delete: true,
    writesNeedAccountId: true,
  });
}
