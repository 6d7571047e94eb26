import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { selectDocusignAccount } from '../../connections/account-selection';
import { coveredAccounts } from '../../connections/integrated-accounts';
import { assertPermission } from '../../connections/permissions';
import type { GatewayEnv } from '../../http/context';
import { LIMIT_DEFAULT } from '../../http/cursor';
import { ApiError } from '../../http/errors';
import { IDEMPOTENCY_KEY_DESCRIPTION, IDEMPOTENCY_KEY_PATTERN } from '../../http/middleware/idempotency';
import { errorResponses, type Router } from '../../http/openapi';
import { listUnified, type OutputOptions, runUnified, type UnifiedCaller } from '../../unified/execute';
import type { UnifiedRouteDeps } from './deps';

/** Query parameters every unified route takes. */
export const CommonQuery = z.object({
  integrated_account_id: z.string().min(1).openapi({ description: 'The connection to use.' }),
  account_id: z.string().min(1).optional().openapi({
    description: 'One DocuSign account of a sync-all connection (lists walk all of them when omitted).',
  }),
  // A boolean in the document (what generated clients send as `true`/`false`); the query carries it as text.
  include_remote_data: z
    .stringbool({ truthy: ['true'], falsy: ['false'] })
    .default(false)
    .openapi({
      type: 'boolean',
      default: false,
      description: 'Add the DocuSign object each record came from as `remote_data`.',
    }),
  response_format: z.enum(['unified', 'raw']).default('unified').openapi({
    description:
      "`raw` returns DocuSign's records/body unmapped (`DocuSignRecord`; lists keep the unified paging envelope).",
  }),
});

/** What `response_format=raw` answers instead of a unified record: DocuSign's own object, as DocuSign sent it. */
export const DocuSignRecordSchema = z.record(z.string(), z.unknown()).openapi('DocuSignRecord', {
  description:
    "DocuSign's own object, unmapped: what `response_format=raw` returns in place of the unified record. Its fields " +
    "are DocuSign's (see DocuSign's eSignature and Admin API references).",
});

/**
 * A unified response schema or, with `response_format=raw`, DocuSign's record: a generated client is told both, so
 * it never takes a raw record for a unified one (narrow with a type when you know which format you asked for).
 */
export function orRaw(schema: z.ZodType) {
  return z.union([schema, DocuSignRecordSchema]);
}

/** Query parameters of every unified list. */
export const ListQuery = CommonQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(LIMIT_DEFAULT),
  cursor: z.string().min(1).optional().openapi({ description: '`next_cursor` of the previous page.' }),
});

/** The `Idempotency-Key` header of unified writes (handled by the middleware on /unified/*). */
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN)
    .optional()
    .openapi({ description: IDEMPOTENCY_KEY_DESCRIPTION, example: '3f1b7c2e-9d4a-4e8b-a1c6-5f0e2d7b9a13' }),
});

/** The `{id}` path parameter. */
export const IdParams = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** An object schema (request bodies, list filters). */
export type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * A unified record schema, named with `.openapi(name)` so routes reference it; it should document `remote_data`
 * and allow extra fields (a mapping override can add some).
 */
export type RecordSchema = z.ZodObject<z.ZodRawShape, z.core.$ZodObjectConfig>;

export interface ActionSpec {
  summary: string;
  body?: ObjectSchema;
  /** Response schema; defaults to the resource schema. */
  response?: z.ZodType;
  /** Whether the action changes DocuSign data (needs a read_write connection). */
  write: boolean;
  /** The operation's `operationId`; defaults to the action's name and the record's, e.g. `closeUser`. */
  operationId?: string;
  /** Answer with the record as a get returns it afterwards (DocuSign answers the action with a partial record). */
  refetch?: boolean;
}

/** Reads one record as the resource's get answers it (for resources whose get is not one mapped call). */
export type RecordReader = (
  deps: UnifiedRouteDeps,
  caller: UnifiedCaller,
  input: { id: string; requestedAccountId: string | undefined; output: OutputOptions },
) => Promise<unknown>;

export interface UnifiedResourceSpec {
  model: 'user-directory' | 'e-signature';
  resource: string;
  /** Tag and wording in the API reference, e.g. "Users". */
  title: string;
  /**
   * The record's name in `operationId`s (`listUsers`, `getUser`); by default read from `resource`. Set it where two
   * models share a resource name, so operation ids stay unique.
   */
  operationNames?: OperationNames;
  schema: RecordSchema;
  /** `name`: the list component's name in the API reference (default `<title>List`). */
  list?: { filters: ObjectSchema; name?: string };
  get?: true;
  /**
   * `refetch`: DocuSign answers the write with a summary or a partial record; the gateway then answers with the
   * record as a get returns it (the `read` function, else the mapping's `get`), so a write response equals a GET.
   */
  create?: { body: ObjectSchema; refetch?: boolean };
  update?: { body: ObjectSchema; refetch?: boolean };
  /** How a refetch reads the record (default: the mapping's `get` method). */
  read?: RecordReader;
  /** Called after a successful write or action (e.g. to keep a stored copy in step), with the account it changed. */
  afterWrite?: (
    deps: UnifiedRouteDeps,
    caller: UnifiedCaller,
    write: { method: string; id: string | undefined; accountId: string },
  ) => Promise<void>;
  delete?: true;
  actions?: Record<string, ActionSpec>;
  /** Writes on a connection that covers several DocuSign accounts must name one with `account_id` (else 400). */
  writesNeedAccountId?: boolean;
  /**
   * Query parameters that address a record together with its id on get, update, delete and actions (e.g. the
   * `signing_request_id` a document belongs to); passed to the mapping as params.
   */
  parentQuery?: ObjectSchema;
}

/** A resource's name in `operationId`s: one record (`User`) and several (`Users`). */
export interface OperationNames {
  one: string;
  many: string;
}

/** `signing-request-statuses` → `SigningRequestStatuses` and `SigningRequestStatus`. */
export function operationNamesOf(resource: string): OperationNames {
  const many = camelCase(resource, true);
  const one = many.endsWith('uses') ? many.slice(0, -2) : many.replace(/s$/, '');
  return { one, many };
}

/** `embed-url` → `embedUrl` (or `EmbedUrl` when `upper`). */
function camelCase(kebab: string, upper = false): string {
  const words = kebab.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  const joined = words.join('');
  return upper ? joined : joined.charAt(0).toLowerCase() + joined.slice(1);
}

/** The connection of a unified call, checked for the access the call needs (403 `forbidden` otherwise). */
export async function resolveCaller(
  c: Context<GatewayEnv>,
  deps: UnifiedRouteDeps,
  integratedAccountId: string,
  access: 'read' | 'write',
  what: string,
  /** For writes: the `account_id` asked for, required when the connection covers several DocuSign accounts. */
  writeAccount?: { requested: string | undefined },
): Promise<UnifiedCaller> {
  const environmentId = c.get('auth').environmentId;
  const row = await deps.accounts.get(environmentId, integratedAccountId);
  assertPermission(row, access, what);
  if (access === 'write' && writeAccount && !writeAccount.requested && coveredAccounts(row).length > 1) {
    throw new ApiError(
      'invalid_request',
      'account_id is required: this connection covers several DocuSign accounts, name the one to change',
      { param: 'account_id' },
    );
  }
  return { environmentId, row, signal: c.req.raw.signal };
}

/** The output options of a unified call's query. */
export const output = (q: z.infer<typeof CommonQuery>): OutputOptions => ({
  includeRemoteData: q.include_remote_data,
  raw: q.response_format === 'raw',
});

/** Registers the unified routes of one resource, all driven by its mapping file. */
export function registerUnifiedResource(
  app: Router,
  deps: UnifiedRouteDeps,
  spec: UnifiedResourceSpec,
): void {
  const base = `/unified/${spec.model}/${spec.resource}`;
  const tags = [`${spec.model === 'user-directory' ? 'User Directory' : 'E-Signature'}: ${spec.title}`];
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const record = spec.schema;
  const names = spec.operationNames ?? operationNamesOf(spec.resource);
  const caller = (
    c: Context<GatewayEnv>,
    integratedAccountId: string,
    access: 'read' | 'write',
    what: string,
    requestedAccountId?: string,
  ) =>
    resolveCaller(
      c,
      deps,
      integratedAccountId,
      access,
      what,
      spec.writesNeedAccountId ? { requested: requestedAccountId } : undefined,
    );

  if (spec.list) {
    const listSchema = z
      .object({
        result: z.array(orRaw(record)),
        next_cursor: z.string().nullable(),
        result_count: z.number().int(),
      })
      .openapi(spec.list.name ?? `${names.many}List`);
    const filters = spec.list.filters;
    app.openapi(
      createRoute({
        method: 'get',
        path: base,
        operationId: `list${names.many}`,
        tags,
        summary: `List ${spec.title.toLowerCase()}`,
        request: { query: ListQuery.extend(filters.shape) },
        responses: {
          200: { description: 'One page', content: json(listSchema) },
          ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
        },
      }),
      async (c) => {
        const query = c.req.valid('query') as z.infer<typeof ListQuery> & Record<string, unknown>;
        const who = await caller(c, query.integrated_account_id, 'read', `listing ${spec.resource}`);
        const filterValues = Object.fromEntries(
          Object.keys(filters.shape)
            .filter((name) => query[name] !== undefined)
            .map((name) => [name, query[name]]),
        );
        const page = await listUnified(deps, who, {
          model: spec.model,
          resource: spec.resource,
          filters: filterValues,
          limit: query.limit,
          cursor: query.cursor,
          requestedAccountId: query.account_id,
          output: output(query),
        });
        return c.json(page, 200);
      },
    );
  }

  const single = (
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    name: string,
    options: {
      summary: string;
      operationId: string;
      body?: ObjectSchema;
      response: z.ZodType;
      write: boolean;
      status: 200 | 201;
      refetch?: boolean;
    },
  ) => {
    // The parent query addresses an existing record: routes with an id take it, create does not.
    const parentQuery = path.includes('{id}') ? spec.parentQuery : undefined;
    app.openapi(
      createRoute({
        method,
        path,
        operationId: options.operationId,
        tags,
        summary: options.summary,
        request: {
          ...(path.includes('{id}') ? { params: IdParams } : {}),
          query: parentQuery ? CommonQuery.extend(parentQuery.shape) : CommonQuery,
          ...(options.write ? { headers: IdempotencyHeader } : {}),
          ...(options.body ? { body: { content: json(options.body), required: true } } : {}),
        },
        responses: {
          [options.status]: { description: options.summary, content: json(orRaw(options.response)) },
          ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
        },
      }),
      // The route's response type varies per use of this helper; the handler is typed against the plain context.
      (async (c: Context<GatewayEnv>) => {
        const query = c.req.valid('query' as never) as z.infer<typeof CommonQuery> & Record<string, unknown>;
        const id = path.includes('{id}') ? c.req.param('id') : undefined;
        const parent = parentQuery
          ? Object.fromEntries(
              Object.keys(parentQuery.shape)
                .filter((name) => query[name] !== undefined)
                .map((name) => [name, query[name]]),
            )
          : {};
        // The route's zod validator already parsed the body; read its result instead of parsing twice.
        const validBody = options.body ? (c.req.valid('json' as never) as Record<string, unknown>) : {};
        const who = await caller(
          c,
          query.integrated_account_id,
          options.write ? 'write' : 'read',
          `${name} on ${spec.resource}`,
          query.account_id,
        );
        if (name === 'get' && spec.read && id) {
          const found = await spec.read(deps, who, {
            id,
            requestedAccountId: query.account_id,
            output: output(query),
          });
          return c.json(found as Record<string, unknown>, 200);
        }
        const result = await runUnified(deps, who, {
          model: spec.model,
          resource: spec.resource,
          method: name,
          params: { ...validBody, ...parent, ...(id ? { id } : {}) },
          requestedAccountId: query.account_id,
          output: output(query),
        });
        if (options.write && spec.afterWrite) {
          const accountId = selectDocusignAccount(who.row, query.account_id).id;
          await spec.afterWrite(deps, who, { method: name, id, accountId });
        }
        if (name === 'delete' && query.response_format !== 'raw') return c.json({ id }, 200);
        if (options.refetch && query.response_format !== 'raw') {
          const written = (result as Record<string, unknown>).id;
          const target = typeof written === 'string' && written ? written : id;
          if (target) {
            const read = { id: target, requestedAccountId: query.account_id, output: output(query) };
            const record = spec.read
              ? await spec.read(deps, who, read)
              : await runUnified(deps, who, {
                  model: spec.model,
                  resource: spec.resource,
                  method: 'get',
                  params: { ...parent, id: target },
                  requestedAccountId: query.account_id,
                  output: read.output,
                });
            return c.json(record as Record<string, unknown>, options.status);
          }
        }
        return c.json(result as Record<string, unknown>, options.status);
      }) as never,
    );
  };

  const title = spec.title.toLowerCase();
  if (spec.get)
    single('get', `${base}/{id}`, 'get', {
      summary: `Get one of the ${title}`,
      operationId: `get${names.one}`,
      response: record,
      write: false,
      status: 200,
    });
  if (spec.create) {
    single('post', base, 'create', {
      summary: `Create one of the ${title}`,
      operationId: `create${names.one}`,
      body: spec.create.body,
      response: record,
      write: true,
      status: 201,
      refetch: spec.create.refetch,
    });
  }
  if (spec.update) {
    single('patch', `${base}/{id}`, 'update', {
      summary: `Update one of the ${title}`,
      operationId: `update${names.one}`,
      body: spec.update.body,
      response: record,
      write: true,
      status: 200,
      refetch: spec.update.refetch,
    });
  }
  if (spec.delete) {
    const Deleted = z.object({ id: z.string() });
    single('delete', `${base}/{id}`, 'delete', {
      summary: `Delete one of the ${title}`,
      operationId: `delete${names.one}`,
      response: Deleted,
      write: true,
      status: 200,
    });
  }
  for (const [name, action] of Object.entries(spec.actions ?? {})) {
    single('post', `${base}/{id}/${name}`, name, {
      summary: action.summary,
      operationId: action.operationId ?? `${camelCase(name)}${names.one}`,
      body: action.body,
      response: action.response ?? record,
      write: action.write,
      status: 200,
      refetch: action.refetch,
    });
  }
}
