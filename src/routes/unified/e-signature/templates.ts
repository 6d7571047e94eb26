/** `/unified/e-signature/templates`: envelope templates with their roles and fields. */
import { z } from '@hono/zod-openapi';
import type { Router } from '../../../http/openapi';
import type { UnifiedRouteDeps } from '../deps';
import { registerUnifiedResource } from '../resource';
import { accountId, dateTime, esignatureRecord, IdRef } from './record-schema';

const TemplateField = z.object({
  id: z.string().nullable(),
  type: z.string(),
  label: z.string().nullable(),
  value: z.string().nullable(),
  is_required: z.boolean().nullable(),
  is_read_only: z.boolean().nullable(),
  page_number: z.number().int().nullable(),
  position: z.object({ x: z.number().nullable(), y: z.number().nullable() }),
  document: IdRef.nullable(),
});

const TemplateRole = z.object({
  id: z.string().nullable(),
  name: z.string().nullable(),
  type: z.enum(['signer', 'cc']),
  routing_order: z.number().int().nullable(),
  fields: z.array(TemplateField).nullable().optional(),
});

export const TemplateSchema = esignatureRecord({
  id: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  is_shared: z.boolean().nullable(),
  owner: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  collection: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  email_subject: z.string().nullable(),
  email_message: z.string().nullable(),
  page_count: z.number().int().nullable(),
  documents: z
    .array(z.object({ id: z.string(), name: z.string().nullable(), page_count: z.number().int().nullable() }))
    .nullable(),
  roles: z.array(TemplateRole).nullable().openapi({ description: 'Signing roles with their fields (get).' }),
  cc_roles: z.array(TemplateRole).nullable(),
  created_at: dateTime,
  updated_at: dateTime,
  last_used_at: dateTime,
  account_id: accountId,
}).openapi('Template', {
  example: {
    id: '8b9c0d1e-2f3a-4b5c-6d7e-8f9a0b1c2d3e',
    name: 'Mutual NDA',
    description: 'Two-party NDA',
    is_shared: true,
    owner: { id: '4f1c5b3e-7a2d-4c8e-9b6f-0d1e2f3a4b5c', name: 'Ada Lovelace', email: 'ada@example.com' },
    collection: { id: '1a2b3c4d-0000-4000-8000-000000000001', name: 'Templates' },
    email_subject: 'Please sign the NDA',
    email_message: null,
    page_count: 2,
    documents: [{ id: '1', name: 'NDA.pdf', page_count: 2 }],
    roles: [
      {
        id: '1',
        name: 'Signer',
        type: 'signer',
        routing_order: 1,
        fields: [
          {
            id: 'c3d4e5f6-0000-4000-8000-000000000002',
            type: 'signature',
            label: 'Sign here',
            value: null,
            is_required: null,
            is_read_only: null,
            page_number: 1,
            position: { x: 100, y: 600 },
            document: { id: '1' },
          },
        ],
      },
    ],
    cc_roles: [],
    created_at: '2026-01-10T09:00:00.000Z',
    updated_at: '2026-01-11T09:00:00.000Z',
    last_used_at: null,
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

const CreateTemplate = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    is_shared: z.boolean().optional(),
    collection_id: z.string().optional().openapi({ description: 'The folder to keep the template in.' }),
    email_subject: z.string().optional(),
    email_message: z.string().optional(),
    documents: z
      .array(
        z.object({
          name: z.string().min(1),
          file_extension: z.string().optional().openapi({ example: 'pdf' }),
          content_base64: z
            .base64()
            .min(1)
            .openapi({ description: 'The file, base64.', example: 'JVBERi0xLjQK' }),
        }),
      )
      .min(1)
      .openapi({ description: 'The documents, numbered 1, 2, … in this order.' }),
    roles: z
      .array(z.object({ name: z.string().min(1), routing_order: z.number().int().min(1).optional() }))
      .optional()
      .openapi({ description: 'Signing roles, numbered 1, 2, … in this order (their recipient ids).' }),
  })
  .openapi('CreateTemplate');

/** Registers list, get, create and delete of `/unified/e-signature/templates`. */
export function registerTemplates(app: Router, deps: UnifiedRouteDeps): void {
  registerUnifiedResource(app, deps, {
    model: 'e-signature',
    resource: 'templates',
    title: 'Templates',
    schema: TemplateSchema,
    list: {
      name: 'TemplateList',
      filters: z.object({
        search: z.string().optional().openapi({ description: 'Text in the template name (search_text).' }),
        collection_id: z.string().optional().openapi({ description: 'Only templates in this folder.' }),
      }),
    },
    get: true,
    create: { body: CreateTemplate, refetch: true },
    delete: true,
    writesNeedAccountId: true,
  });
}
