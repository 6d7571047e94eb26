import { createRoute, z } from '@hono/zod-openapi';
import { getIntegratedAccount } from '../connections/integrated-accounts';
import type { Database } from '../db/client';
import { ApiError } from '../http/errors';
import { errorResponses, type Router } from '../http/openapi';
import type { MappingCatalog } from '../mapping/catalog';
import { describeIssues } from '../mapping/definitions';
import { applyOverrides, MAPPING_OVERRIDE_INPUT, type MappingOverride } from '../mapping/overrides';
import type { OverridesStore } from '../mapping/overrides-store';

const Params = z.object({
  // A plain string (not an enum) so an unknown model is a 404 from the catalog, like an unknown resource.
  model: z
    .string()
    .min(1)
    .openapi({ param: { name: 'model', in: 'path' }, example: 'user-directory' }),
  resource: z
    .string()
    .min(1)
    .openapi({ param: { name: 'resource', in: 'path' } }),
});
const Scope = z.object({
  integrated_account_id: z
    .string()
    .min(1)
    .optional()
    .openapi({ description: 'Override for one connection; omit for the whole environment.' }),
});
// No length limit here: an over-long name stored before names were limited must still be deletable.
const Target = z.object({
  field: z.string().min(1).optional().openapi({ description: 'The field; or send it in the JSON body.' }),
  method: z.string().min(1).optional(),
});
const TargetBody = z
  .object({
    field: z.string().min(1).optional(),
    method: z.string().min(1).optional(),
  })
  .openapi('MappingOverrideTarget', {
    description: 'The field to delete, for names too long for a URL; the query parameters win.',
  });

const OverrideSchema = z
  .object({
    field: z.string(),
    method: z.string().nullable(),
    spec: z
      .unknown()
      .openapi({ description: 'The field spec (mapping file format); null means the field is removed.' }),
    scope: z.enum(['environment', 'integrated_account']),
    integrated_account_id: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi('MappingOverride', {
    example: {
      field: 'department',
      method: null,
      spec: { path: 'customSettings', find: { where: { name: 'department' }, select: 'value' } },
      scope: 'environment',
      integrated_account_id: null,
      updated_at: '2026-11-23T12:00:00.000Z',
    },
  });
const OverrideInput = z
  .object({
    field: z.string().openapi({
      description: 'Unified field name (dotted for nested maps): snake_case, at most 128 characters.',
    }),
    method: z.string().optional().openapi({ description: "Target one method's own response fields." }),
    spec: z.unknown().openapi({ description: 'Field spec as in the mapping files; null removes the field.' }),
  })
  .openapi('MappingOverrideInput', { example: { field: 'department', spec: { path: 'company' } } });
const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const tags = ['Mapping overrides'];

type Row = Awaited<ReturnType<OverridesStore['list']>>[number];
const present = (row: Row) => ({
  field: row.field,
  method: row.method || null,
  spec: row.definition ?? null,
  scope: row.integratedAccountId ? ('integrated_account' as const) : ('environment' as const),
  integrated_account_id: row.integratedAccountId || null,
  updated_at: row.updatedAt.toISOString(),
});

/** `GET/PUT/DELETE /mapping-overrides/{model}/{resource}`: change one field of a mapping, live. */
export function registerMappingOverrides(
  app: Router,
  deps: { db: Database; catalog: MappingCatalog; overrides: OverridesStore; now: () => number },
): void {
  const scopeOf = async (environmentId: string, integratedAccountId: string | undefined) => {
    if (!integratedAccountId) return '';
    await getIntegratedAccount(deps.db, environmentId, integratedAccountId);
    return integratedAccountId;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mapping-overrides/{model}/{resource}',
      operationId: 'listMappingOverrides',
      tags,
      summary: 'List field overrides of a unified resource',
      request: { params: Params, query: Scope },
      responses: {
        200: { description: 'Overrides', content: json(z.object({ result: z.array(OverrideSchema) })) },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { model, resource } = c.req.valid('param');
      deps.catalog.definition(model, resource);
      const environmentId = c.get('auth').environmentId;
      const scope = await scopeOf(environmentId, c.req.valid('query').integrated_account_id);
      const rows = await deps.overrides.list(environmentId, scope, model, resource);
      return c.json({ result: rows.map(present) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/mapping-overrides/{model}/{resource}',
      operationId: 'setMappingOverride',
      tags,
      summary: 'Add, replace or remove (spec: null) one field; effective on the next request',
      request: { params: Params, query: Scope, body: { content: json(OverrideInput), required: true } },
      responses: {
        200: { description: 'Stored', content: json(OverrideSchema) },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { model, resource } = c.req.valid('param');
      const definition = deps.catalog.definition(model, resource);
      const environmentId = c.get('auth').environmentId;
      const integratedAccountId = await scopeOf(environmentId, c.req.valid('query').integrated_account_id);
      const parsed = MAPPING_OVERRIDE_INPUT.safeParse(c.req.valid('json'));
      if (!parsed.success) {
        const issues = describeIssues(parsed.error.issues).map((issue) => ({
          path: issue.path.map(String),
          message: issue.message,
        }));
        throw new ApiError(
          'invalid_request',
          `Invalid override: ${issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
          issues,
        );
      }
      const override: MappingOverride = {
        ...parsed.data,
        scope: integratedAccountId ? 'integrated_account' : 'environment',
      };
      // Validates the merged mapping (and that it compiles) before anything is stored.
      applyOverrides(definition, [override]);
      deps.catalog.compiled(model, resource, [override], `check:${crypto.randomUUID()}`);
      const row = await deps.overrides.put({
        environmentId,
        integratedAccountId,
        model,
        resource,
        field: parsed.data.field,
        method: parsed.data.method ?? '',
        spec: parsed.data.spec,
        now: new Date(deps.now()),
      });
      return c.json(present(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/mapping-overrides/{model}/{resource}',
      operationId: 'deleteMappingOverride',
      tags,
      summary: 'Delete the override of one field (the mapping file applies again)',
      request: {
        params: Params,
        query: Scope.extend(Target.shape),
        body: { content: { 'application/json': { schema: TargetBody } }, required: false },
      },
      responses: {
        200: { description: 'Deleted', content: json(z.object({ field: z.string(), deleted: z.boolean() })) },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { model, resource } = c.req.valid('param');
      deps.catalog.definition(model, resource);
      const environmentId = c.get('auth').environmentId;
      const query = c.req.valid('query');
      const body = c.req.valid('json');
      const integratedAccountId = await scopeOf(environmentId, query.integrated_account_id);
      const field = query.field ?? body.field;
      if (field === undefined) {
        throw new ApiError(
          'invalid_request',
          'Name the field to delete: ?field=… or {"field": …} in the body',
        );
      }
      const deleted = await deps.overrides.remove({
        environmentId,
        integratedAccountId,
        model,
        resource,
        field,
        method: query.method ?? body.method ?? '',
      });
      const shown = field.length > 128 ? `${field.slice(0, 128)}…` : field;
      if (!deleted) throw new ApiError('not_found', `No override of field ${shown} on ${model}/${resource}`);
      return c.json({ field, deleted }, 200);
    },
  );
}
