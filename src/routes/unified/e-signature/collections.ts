/** `/unified/e-signature/collections`: DocuSign folders, and the signing requests inside one (cursor-paged). */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, type Router } from '../../../http/openapi';
import { listUnified } from '../../../unified/execute';
import { parentAccountId } from '../../../unified/lookup';
import type { UnifiedRouteDeps } from '../deps';
import { IdParams, ListQuery, orRaw, output, registerUnifiedResource, resolveCaller } from '../resource';
import { accountId, dateTime, esignatureRecord, IdRef } from './record-schema';

export const CollectionSchema = esignatureRecord({
  id: z.string(),
  name: z.string().nullable(),
  type: z.string().nullable().openapi({
    description:
      "DocuSign's folder type: draft, inbox, normal (a user folder), recyclebin, sentitems, custom.",
  }),
  parent: IdRef.nullable(),
  owner: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  item_count: z.number().int().nullable(),
  has_sub_folders: z.boolean().nullable(),
  account_id: accountId,
}).openapi('Collection', {
  example: {
    id: '1a2b3c4d-0000-4000-8000-000000000001',
    name: 'Q4 contracts',
    type: 'normal',
    parent: null,
    owner: { id: '4f1c5b3e-7a2d-4c8e-9b6f-0d1e2f3a4b5c', name: 'Ada Lovelace', email: 'ada@example.com' },
    item_count: 12,
    has_sub_folders: false,
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

export const CollectionSigningRequestSchema = esignatureRecord({
  id: z.string(),
  name: z.string().nullable().openapi({ description: 'The email subject.' }),
  status: z.string().nullable(),
  sender: z.object({ id: z.string().nullable(), name: z.string().nullable(), email: z.string() }).nullable(),
  template: IdRef.nullable(),
  created_at: dateTime,
  sent_at: dateTime,
  completed_at: dateTime,
  updated_at: dateTime,
  account_id: accountId,
}).openapi('CollectionSigningRequest', {
  example: {
    id: '9f8e7d6c-0000-4000-8000-000000000003',
    name: 'Please sign the NDA',
    status: 'sent',
    sender: { id: '4f1c5b3e-7a2d-4c8e-9b6f-0d1e2f3a4b5c', name: 'Ada Lovelace', email: 'ada@example.com' },
    template: null,
    created_at: '2026-11-01T10:00:00.000Z',
    sent_at: '2026-11-01T10:01:00.000Z',
    completed_at: null,
    updated_at: '2026-11-01T10:01:00.000Z',
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

const SigningRequestList = z
  .object({
    result: z.array(orRaw(CollectionSigningRequestSchema)),
    next_cursor: z.string().nullable(),
    result_count: z.number().int(),
  })
  .openapi('CollectionSigningRequestList');

const ItemFilters = z.object({
  status: z
    .string()
    .optional()
    .openapi({ description: "DocuSign's envelope status, e.g. sent or completed." }),
  search: z.string().optional().openapi({ description: 'Text in the subject, sender or recipients.' }),
});

/** Registers list and get of collections and `GET /unified/e-signature/collections/{id}/signing-requests`. */
export function registerCollections(app: Router, deps: UnifiedRouteDeps): void {
  registerUnifiedResource(app, deps, {
    model: 'e-signature',
    resource: 'collections',
    title: 'Collections',
    schema: CollectionSchema,
    list: { filters: z.object({}), name: 'CollectionList' },
    get: true,
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/e-signature/collections/{id}/signing-requests',
      operationId: 'listCollectionSigningRequests',
      tags: ['E-Signature: Collections'],
      summary: 'List the signing requests in a collection',
      request: { params: IdParams, query: ListQuery.extend(ItemFilters.shape) },
      responses: {
        200: { description: 'One page', content: { 'application/json': { schema: SigningRequestList } } },
        ...errorResponses(400, 401, 403, 404, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const id = c.req.valid('param').id;
      const who = await resolveCaller(
        c,
        deps,
        query.integrated_account_id,
        'read',
        'listing collection items',
      );
      const filters: Record<string, unknown> = { id };
      if (query.status !== undefined) filters.status = query.status;
      if (query.search !== undefined) filters.search = query.search;
      const page = await listUnified(deps, who, {
        model: 'e-signature',
        resource: 'collections',
        method: 'signing-requests',
        filters,
        limit: query.limit,
        cursor: query.cursor,
        requestedAccountId: parentAccountId(who, query.account_id),
        output: output(query),
      });
      return c.json(page as z.infer<typeof SigningRequestList>, 200);
    },
  );
}
