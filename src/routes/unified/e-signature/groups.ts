/** `/unified/e-signature/groups`: the account's groups (read), with their members on get. */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, type Router } from '../../../http/openapi';
import { getGroupWithMembers } from '../../../unified/esignature-groups';
import type { UnifiedRouteDeps } from '../deps';
import { CommonQuery, IdParams, orRaw, output, registerUnifiedResource, resolveCaller } from '../resource';
import { accountId, esignatureRecord, IdRef } from './record-schema';

const Member = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  status: z.enum(['active', 'inactive', 'invited', 'deleted']),
});

export const ESignatureGroupSchema = esignatureRecord({
  id: z.string(),
  name: z.string().nullable(),
  type: z.string().nullable(),
  member_count: z.number().int().nullable(),
  permission_profile: IdRef.nullable(),
  members: z.array(Member).optional().openapi({ description: 'Every member (get only).' }),
  account_id: accountId,
}).openapi('ESignatureGroup', {
  example: {
    id: '67890',
    name: 'Sales',
    type: 'customGroup',
    member_count: 1,
    permission_profile: { id: '12345' },
    members: [
      {
        id: '4f1c5b3e-7a2d-4c8e-9b6f-0d1e2f3a4b5c',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        status: 'active',
      },
    ],
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

/** Registers list and get of `/unified/e-signature/groups`. */
export function registerESignatureGroups(app: Router, deps: UnifiedRouteDeps): void {
  registerUnifiedResource(app, deps, {
    model: 'e-signature',
    resource: 'groups',
    title: 'Groups',
    operationNames: { one: 'ESignatureGroup', many: 'ESignatureGroups' },
    schema: ESignatureGroupSchema,
    list: {
      name: 'ESignatureGroupList',
      filters: z.object({ name_contains: z.string().optional(), type: z.string().optional() }),
    },
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/e-signature/groups/{id}',
      operationId: 'getESignatureGroup',
      tags: ['E-Signature: Groups'],
      summary: 'Get one of the groups, with its members',
      description:
        'DocuSign has no single-group GET: the group is found in the list, its members read page by page.',
      request: { params: IdParams, query: CommonQuery },
      responses: {
        200: {
          description: 'The group',
          content: { 'application/json': { schema: orRaw(ESignatureGroupSchema) } },
        },
        ...errorResponses(400, 401, 403, 404, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const who = await resolveCaller(c, deps, query.integrated_account_id, 'read', 'get on groups');
      const group = await getGroupWithMembers(deps, who, {
        id: c.req.valid('param').id,
        requestedAccountId: query.account_id,
        output: output(query),
      });
      return c.json(group as z.infer<typeof ESignatureGroupSchema>, 200);
    },
  );
}
