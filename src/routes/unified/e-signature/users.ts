/** `/unified/e-signature/users`: the account's users as the E-Signature model sees them (read). */
import { z } from '@hono/zod-openapi';
import type { Router } from '../../../http/openapi';
import type { UnifiedRouteDeps } from '../deps';
import { registerUnifiedResource } from '../resource';
import { accountId, dateTime, esignatureRecord } from './record-schema';

export const ESignatureUserSchema = esignatureRecord({
  id: z.string(),
  name: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  title: z.string().nullable(),
  status: z.enum(['active', 'inactive', 'invited', 'deleted']),
  is_admin: z.boolean().nullable(),
  permission_profile: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  groups: z.array(z.object({ id: z.string(), name: z.string().nullable() })).nullable(),
  created_at: dateTime,
  account_id: accountId,
}).openapi('ESignatureUser', {
  example: {
    id: '4f1c5b3e-7a2d-4c8e-9b6f-0d1e2f3a4b5c',
    name: 'Ada Lovelace',
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'ada@example.com',
    title: 'Engineer',
    status: 'active',
    is_admin: false,
    permission_profile: { id: '12345', name: 'DocuSign Sender' },
    groups: [{ id: '67890', name: 'Everyone' }],
    created_at: '2025-03-01T10:00:00.000Z',
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

/** Registers list and get of `/unified/e-signature/users`. */
export function registerESignatureUsers(app: Router, deps: UnifiedRouteDeps): void {
  registerUnifiedResource(app, deps, {
    model: 'e-signature',
    resource: 'users',
    title: 'Users',
    operationNames: { one: 'ESignatureUser', many: 'ESignatureUsers' },
    schema: ESignatureUserSchema,
    list: {
      name: 'ESignatureUserList',
      filters: z.object({
        status: z.enum(['active', 'inactive', 'invited', 'deleted']).optional(),
        email: z.string().optional().openapi({ description: 'Exact email address.' }),
        name_contains: z.string().optional(),
        group_id: z.string().optional(),
      }),
    },
    get: true,
  });
}
