/**
 * The mapping file format: a zod 4 schema of `mappings/docusign/<model>/<resource>.yaml`.
 *
 * A mapping file is data. It says, for one unified resource (e.g. `user-directory/users`):
 *
 * - `fields`: how one DocuSign record becomes one unified object. Every method uses these fields unless it
 *   declares its own `response.fields`. `id` is required.
 * - `methods`: for each unified method (`list`, `get`, `create`, `update`, `delete`, or a custom action such as
 *   `close`), the upstream `api` (`esignature` or `admin`), the `request` (HTTP method, path template, query and
 *   body built from unified params), for lists the `paging` style and the name of the array in the response,
 *   and optionally `related` requests whose bodies a field can read under `$related.<name>`.
 *
 * ## Field specs (response side)
 * A field spec is either a string (shorthand for `{ path: <string> }`) or an object. The value is computed as:
 * 1. source, at most one of: `path` (dot path into the record; `a.b[0].c` and `a.b.0.c` both work; a path
 *    starting with `$related.<name>` reads the body of a related request), `const` (any JSON value), `ctx`
 *    (`accountId`, `organizationId` or `integratedAccountId`, supplied by the runtime), `first_of` (a list of
 *    field specs; the first value that is not missing wins), `list` (a list of field specs evaluated against
 *    the same record, giving an array). With no source the value is the record itself (useful with `object`
 *    and `fn`).
 *    `when: <path>`: if that path is missing, the whole field is missing (before `default`).
 *    `find: { where, equals, take }`: picks the first element of the source array whose `where` path equals
 *    `equals` and reads `take` from it (e.g. a custom setting by name: `where: name, equals: department, take: value`).
 *    `source_fn: <name>`: a registered function reshapes the source before the next steps (e.g. `flatten_tabs`
 *    turns a `tabs` object into one list that `array` then maps).
 * 2. `array: { <field>: <spec>, … }`: the source must be an array (a lone object counts as a one-element array);
 *    every element is mapped with that field map. A single-element array stays an array.
 *    `object: { … }`: builds a nested object from the source (or from the record when there is no source).
 * 3. `fn: <name>`: calls a TypeScript function registered in code (`src/mapping/functions.ts`) with the value.
 * 4. `transform`: one name or a list of names of built-in transforms, applied in order (see `TRANSFORM_NAMES`).
 * 5. `enum: { map: { <upstream>: <unified> }, default: <unified> }`: maps a value; an unmapped, present value
 *    becomes `enum.default` (or stays missing when there is no enum default).
 * 6. `type`: a final coercion (`string`, `number`, `integer`, `boolean`, `datetime`, `date`). The eSignature API
 *    sends every value as a string (`"true"`, `"100"`), so numbers and booleans are usually typed here.
 * 7. `default`: the value when the result is missing. Missing means `undefined`, `null` or `""` (the eSignature
 *    API sends empty strings for unset values). A missing value without a default becomes `null`: a field is never
 *    dropped from the output.
 *
 * ## Request side
 * `request.query` and `request.body` map names to param specs: `{ param: <unified param> }`, `{ const: <value> }`,
 * or `{ ctx: … }`, with optional `enum`, `default`, `transform` and `required`. Query keys are query parameter
 * names (values are sent as strings). Body keys are target paths (`newUsers[0].firstName`): the body object is
 * built from them, and a key whose value is missing is left out (so an update never clears what it did not set);
 * `$body` merges an object value into the top level.
 * A body param with `array: { <target>: <param spec>, … }` maps an array param element by element (inside, `param`
 * names a key of the element and `$position` its 1-based position), e.g. template roles into `recipients.signers`;
 * `group_by` then splits the built objects into arrays by one of the element's params (`participants` by `role` →
 * `signers`, `carbonCopies`). `if` and `when` keep a value only for some elements (`selected` only for checkboxes)
 * or only when another param is set.
 * `request.body_key` wraps the whole body as `{ <key>: [body] }` with a computed key: DocuSign keeps tabs in one
 * array per kind (`signHereTabs`, `textTabs`, …), so an enum from the unified `type` picks the array.
 * `request.path` is the spec path with `{placeholders}`: `{accountId}` and `{organizationId}` come from the
 * runtime, every other placeholder from the unified params (URL-encoded).
 *
 * ## Named enums and records from the file
 * `enums.<name>: { map, default, values }` names an enum map once; `values` describes every unified value it
 * produces (the `default` is the documented fallback for upstream values the map does not know). A field or param
 * uses it with `enum: { use: <name> }` (this file) or `enum: { use: <resource>.<name> }` (another file of the same
 * model); `inverse: true` turns it round for request params (a unified value → its upstream values, comma-joined).
 * References are resolved when the files are loaded. A method with `records: { from_enum: <name> }` instead of a
 * `request` serves one record per unified value (`id`, `name`, `description`, `upstream_values`, `is_fallback`):
 * e.g. signing-request-statuses, whose map signing-requests reads for its `status` field and list filter.
 * A field may end with `sort_by: <unified field>` (stable, numbers numerically), e.g. participants by routing order
 * after `transform: flatten` joined DocuSign's per-type recipient arrays.
 *
 * ## DocuSign business errors
 * `response.not_found_codes`, `conflict_codes` and `invalid_codes` list DocuSign `errorCode`s that become 404
 * `not_found`, 409 `conflict` and 400 `invalid_request` (DocuSign's error in `details`) instead of `upstream_error`.
 *
 * ## Paging
 * `esignature_offset`: `start_position`/`count`; the response carries `resultSetSize`, `startPosition`,
 * `endPosition`, `totalSetSize`, `nextUri`. `admin`: `start`/`take`; the response carries `paging{result_set_size,
 * result_set_start_position, result_set_end_position, total_set_size, next}`. `none`: one response holds
 * everything. `items` names the array of records in the response; without it the whole body is one record.
 * `max_page_size` is the largest page DocuSign allows (users and groups: 100). `items_fn` instead of `items` names a
 * registered function that returns the records (e.g. every tab of every kind array, flattened), and
 * `response.record_fn` likewise picks the one record of a get/create/update answer. `response.conflict_codes`
 * lists DocuSign error codes that mean "not in a state that allows this" (a 409 `conflict`).
 *
 * ## Example
 * ```yaml
 * # yaml-language-server: $schema=../../mapping.schema.json
 * version: 1
 * model: user-directory
 * resource: users
 * fields:
 *   id: userId                                   # shorthand for { path: userId }
 *   is_admin: { path: isAdmin, type: boolean }   # "True" → true
 *   status:
 *     path: userStatus
 *     enum: { map: { Active: active, Closed: deleted }, default: inactive }
 *   groups: { path: groupList, array: { id: groupId, name: groupName } }
 *   account_id: { ctx: accountId }
 * methods:
 *   list:
 *     api: esignature
 *     operation: Users_GetUsers
 *     request:
 *       method: GET
 *       path: /v2.1/accounts/{accountId}/users
 *       query: { email: { param: email }, additional_info: { const: 'true' } }
 *     paging: { style: esignature_offset, items: users, max_page_size: 100 }
 *   create:
 *     api: esignature
 *     request:
 *       method: POST
 *       path: /v2.1/accounts/{accountId}/users
 *       body: { 'newUsers[0].userName': { param: name, required: true } }
 *     response: { record: 'newUsers[0]', error_path: 'newUsers[0].errorDetails' }
 * ```
 *
 * ## Customising
 * To change a field for every customer, edit the YAML file. For one environment or one integrated account, store
 * an override instead: `{ field: department, spec: { path: customSettings, find: { where: name, equals: department,
 * take: value } } }` adds a field, `{ field: title, spec: jobTitle }` replaces one, `{ field: phones, spec: null }`
 * removes one; the rest of the file still applies. A dotted `field` (`groups.kind`) reaches into an `array` or
 * `object` map; `method` targets a method's own `response.fields`. Overrides are validated against this schema.
 * When a mapping needs logic the format cannot express, register a function in src/mapping/functions.ts and
 * name it with `fn:`; user text is never evaluated.
 *
 * Overrides (src/mapping/overrides.ts) change one field of `fields` (or of a method's own `response.fields`)
 * without restating the rest. The JSON Schema of this format is `mappings/mapping.schema.json`
 * (`npx tsx scripts/write-mapping-schema.ts`), so editors validate and complete the YAML files.
 */
import { z } from 'zod';

/** Names of the built-in transforms a field spec can list under `transform` (see transforms.ts). */
export const TRANSFORM_NAMES = [
  'iso_datetime',
  'iso_date',
  'to_number',
  'to_integer',
  'to_boolean',
  'to_string',
  'lowercase',
  'uppercase',
  'trim',
  'split_name_first',
  'split_name_last',
  'split_comma',
  'compact',
  'first',
  'count',
  'flatten',
] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

/** Final coercions a field spec can ask for under `type`. */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'datetime', 'date'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Values the runtime supplies to `ctx` sources and path placeholders. */
export const CONTEXT_KEYS = ['accountId', 'organizationId', 'integratedAccountId'] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export const UPSTREAM_APIS = ['esignature', 'admin'] as const;
export type UpstreamApi = (typeof UPSTREAM_APIS)[number];

export const PAGING_STYLES = ['esignature_offset', 'admin', 'none'] as const;
export type PagingStyle = (typeof PAGING_STYLES)[number];

export const MODELS = ['user-directory', 'e-signature'] as const;
export type Model = (typeof MODELS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Maps upstream values to unified ones; `default` is used for present values the map does not list. */
export interface EnumMap {
  map: Record<string, JsonValue>;
  default?: JsonValue;
}

/**
 * A reference to a named enum (`enums.<name>` of this file, or `<resource>.<name>` of another file of the same
 * model), resolved when the mappings are loaded. `inverse: true` turns the map round (unified value → the
 * upstream values that map to it, comma-joined), for request params.
 */
export interface EnumRef {
  use: string;
  inverse?: boolean;
}

export type EnumSpec = EnumMap | EnumRef;

/** A named enum of a mapping file (`enums.<name>`): the map plus a description of each unified value. */
export interface NamedEnum extends EnumMap {
  description?: string;
  /** Unified value → what it means; every value the map (and its default) produces must be described. */
  values: Record<string, string>;
}

/** Picks the first element of an array whose `where` path equals `equals`, then reads `take` from it. */
export interface FindSpec {
  where: string;
  equals: string | number | boolean;
  take?: string;
}

/** One field of a response mapping (see the module comment for the evaluation order). */
export type FieldSpec = string | FieldSpecObject;

export interface FieldSpecObject {
  description?: string;
  path?: string;
  const?: JsonValue;
  ctx?: ContextKey;
  first_of?: FieldSpec[];
  list?: FieldSpec[];
  when?: string;
  source_fn?: string;
  find?: FindSpec;
  array?: FieldMap;
  object?: FieldMap;
  fn?: string;
  transform?: TransformName | TransformName[];
  enum?: EnumSpec;
  type?: FieldType;
  default?: JsonValue;
  sort_by?: string;
}

export type FieldMap = Record<string, FieldSpec>;

/** One query parameter or body value of an upstream request. */
export interface ParamSpec {
  description?: string;
  param?: string;
  const?: JsonValue;
  ctx?: ContextKey;
  enum?: EnumSpec;
  transform?: TransformName | TransformName[];
  default?: JsonValue;
  required?: boolean;
  when?: string;
  if?: Record<string, JsonValue>;
  /** Body only: the param is an array; each element becomes an object built by these targets (see module comment). */
  array?: Record<string, ParamSpec>;
  group_by?: GroupBy;
}

/** Splits the elements built by `array` into arrays named after the value of one of their params. */
export interface GroupBy {
  param: string;
  targets: Record<string, string>;
}

const JSON_VALUE: z.ZodType<JsonValue> = z
  .lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(JSON_VALUE),
      z.record(z.string(), JSON_VALUE),
    ]),
  )
  .meta({ id: 'JsonValue', description: 'Any JSON value.' });

const FIELD_NAME = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'unified field names are snake_case: lowercase letters, digits and _');

// Paths are read and (for bodies) written with plain property access, so prototype keys are refused outright.
const NO_PROTOTYPE_KEYS = /^(?!(?:.*[.\]])?(?:__proto__|prototype|constructor)(?:$|[.[]))/;

const PATH = z
  .string()
  .min(1)
  .regex(
    /^(\$related\.)?[A-Za-z0-9_$-]+(\[\d+\])*(\.[A-Za-z0-9_$-]+(\[\d+\])*)*$/,
    'a dot path such as `groupList[0].groupName` or `billingPlan.planName`',
  )
  .regex(NO_PROTOTYPE_KEYS, '__proto__, prototype and constructor are not allowed in paths');

const TRANSFORM = z.enum(TRANSFORM_NAMES);
const TRANSFORMS = z.union([TRANSFORM, z.array(TRANSFORM).min(1)]);

const ENUM_MAP: z.ZodType<EnumMap> = z
  .strictObject({
    map: z.record(z.string(), JSON_VALUE).describe('Upstream value → unified value.'),
    default: JSON_VALUE.optional().describe(
      'Unified value for a present upstream value the map does not list.',
    ),
  })
  .meta({ id: 'EnumMap' });

const ENUM_REF: z.ZodType<EnumRef> = z
  .strictObject({
    use: z
      .string()
      .regex(/^([a-z][a-z0-9-]*\.)?[a-z_][a-z0-9_]*$/, 'an enum name, or `<resource>.<enum name>`')
      .describe('A named enum: `<name>` of this file or `<resource>.<name>` of the same model.'),
    inverse: z
      .boolean()
      .optional()
      .describe('Unified value → the upstream values that map to it (comma-joined); for request params.'),
  })
  .meta({ id: 'EnumRef' });

const ENUM_SPEC: z.ZodType<EnumSpec> = z.union([ENUM_MAP, ENUM_REF]).meta({ id: 'EnumSpec' });

const NAMED_ENUM: z.ZodType<NamedEnum> = z
  .strictObject({
    description: z.string().optional(),
    map: z.record(z.string(), JSON_VALUE).describe('Upstream value → unified value.'),
    default: JSON_VALUE.optional().describe(
      'Unified value for a present upstream value the map does not list (the documented fallback).',
    ),
    values: z.record(z.string(), z.string()).describe('Unified value → its meaning.'),
  })
  .superRefine((e, ctx) => {
    const produced = [...Object.values(e.map), ...(e.default === undefined ? [] : [e.default])];
    for (const v of produced) {
      if (typeof v !== 'string' || !Object.hasOwn(e.values, v)) {
        ctx.addIssue({
          code: 'custom',
          message: `unified value ${JSON.stringify(v)} is not described in values`,
          path: ['values'],
        });
      }
    }
  })
  .meta({ id: 'NamedEnum' });

const FIND_SPEC: z.ZodType<FindSpec> = z
  .strictObject({
    where: PATH.describe('Path inside each element, e.g. `name`.'),
    equals: z.union([z.string(), z.number(), z.boolean()]),
    take: PATH.optional().describe('Path read from the matching element, e.g. `value`; absent: the element.'),
  })
  .meta({ id: 'FindSpec', description: 'Picks one element of the source array.' });

const FIELD_SOURCE_KEYS = ['path', 'const', 'ctx', 'first_of', 'list'] as const;

const FIELD_SPEC_OBJECT: z.ZodType<FieldSpecObject> = z
  .strictObject({
    description: z.string().optional(),
    path: PATH.optional().describe('Dot path into the record (or `$related.<name>.…`).'),
    const: JSON_VALUE.optional().describe('A constant value.'),
    ctx: z.enum(CONTEXT_KEYS).optional().describe('A value supplied by the runtime.'),
    get first_of() {
      return z.array(FIELD_SPEC).min(1).optional().describe('The first of these values that is not missing.');
    },
    get list() {
      return z.array(FIELD_SPEC).optional().describe('An array built of these values.');
    },
    when: PATH.optional().describe('The field is missing unless this path is present.'),
    source_fn: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional()
      .describe(
        'A function registered in src/mapping/functions.ts that reshapes the source first, before find/array/object (e.g. flatten_tabs).',
      ),
    find: FIND_SPEC.optional(),
    get array() {
      return FIELD_MAP.optional().describe('Maps every element of the source array with this field map.');
    },
    get object() {
      return FIELD_MAP.optional().describe('Builds a nested object from the source (or the record).');
    },
    fn: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional()
      .describe('A function registered in src/mapping/functions.ts.'),
    transform: TRANSFORMS.optional().describe('Built-in transforms, applied in order.'),
    enum: ENUM_SPEC.optional(),
    type: z.enum(FIELD_TYPES).optional().describe('Final coercion.'),
    default: JSON_VALUE.optional().describe('Value when the result is missing (undefined, null or "").'),
    sort_by: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional()
      .describe('Sorts the resulting array of objects by this unified field (numbers numerically; stable).'),
  })
  .superRefine((spec, ctx) => {
    const sources = FIELD_SOURCE_KEYS.filter((k) => spec[k] !== undefined);
    if (sources.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a field has at most one source; found ${sources.join(' and ')}`,
        path: [sources[1] ?? ''],
      });
    }
    if (spec.array !== undefined && spec.object !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'use either array or object, not both', path: ['object'] });
    }
    if ((spec.array !== undefined || spec.object !== undefined) && spec.const !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'const cannot be combined with array or object',
        path: ['const'],
      });
    }
  })
  .meta({ id: 'FieldSpecObject' });

/** A response field: a path string, or a field spec object. */
export const FIELD_SPEC: z.ZodType<FieldSpec> = z
  .union([PATH.describe('Shorthand for `{ path: … }`.'), FIELD_SPEC_OBJECT])
  .meta({ id: 'FieldSpec' });

/** Unified field name → field spec. */
export const FIELD_MAP: z.ZodType<FieldMap> = z.record(FIELD_NAME, FIELD_SPEC).meta({ id: 'FieldMap' });

const RESOURCE_FIELD_MAP = FIELD_MAP.refine((fields) => 'id' in fields, {
  message: 'the field map must define `id`',
});

const BODY_TARGET = z
  .string()
  .regex(
    /^[A-Za-z0-9_]+(\[\d+\])*(\.[A-Za-z0-9_]+(\[\d+\])*)*$/,
    'a target path such as `newUsers[0].firstName`',
  )
  .regex(NO_PROTOTYPE_KEYS, '__proto__, prototype and constructor are not allowed in paths');

const PARAM_NAME = z
  .string()
  .min(1)
  .regex(
    /^\$?[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/,
    'a param name, a dot path into an object param (`position.x`), or `$position` inside `array`',
  )
  .regex(NO_PROTOTYPE_KEYS, '__proto__, prototype and constructor are not allowed in paths');

const GROUP_BY: z.ZodType<GroupBy> = z
  .strictObject({
    param: PARAM_NAME.describe('The param of each element whose value picks the target array.'),
    targets: z
      .record(z.string(), BODY_TARGET)
      .describe('Value → name of the array the element goes to; other values are a 400.'),
  })
  .meta({ id: 'GroupBy' });

const PARAM_SPEC: z.ZodType<ParamSpec> = z
  .strictObject({
    description: z.string().optional(),
    param: PARAM_NAME.optional().describe(
      'A unified param (query, path or body field); a dot path reaches into an object (`position.x`).',
    ),
    const: JSON_VALUE.optional(),
    ctx: z.enum(CONTEXT_KEYS).optional(),
    enum: ENUM_SPEC.optional(),
    transform: TRANSFORMS.optional(),
    default: JSON_VALUE.optional().describe('Value when the param is missing.'),
    required: z.boolean().optional().describe('A missing required param is a 400 invalid_request.'),
    when: PARAM_NAME.optional().describe(
      'Missing unless this param is present (e.g. a const flag set only with a value).',
    ),
    if: z
      .record(PARAM_NAME, z.union([JSON_VALUE, z.array(JSON_VALUE)]))
      .optional()
      .describe(
        'Only when every named param (of the same element inside `array`) equals the value or one of the listed values; else missing.',
      ),
    get array() {
      return z
        .record(BODY_TARGET, PARAM_SPEC)
        .optional()
        .describe(
          'Body only: maps every element of the array param to an object; inside, `param` names a key of the element and `$position` is its 1-based position.',
        );
    },
    group_by: GROUP_BY.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.group_by !== undefined && spec.array === undefined) {
      ctx.addIssue({ code: 'custom', message: 'group_by needs array', path: ['group_by'] });
    }
    const sources = (['param', 'const', 'ctx'] as const).filter((k) => spec[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a param spec needs exactly one of param, const or ctx; found ${sources.length ? sources.join(' and ') : 'none'}`,
      });
    }
  })
  .meta({ id: 'ParamSpec' });

/** The body key whose value (an object) becomes the body's top level, e.g. a `recipients` object sent as the body. */
export const BODY_ROOT = '$body';

export const REQUEST_SPEC = z
  .strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: z
      .string()
      .regex(
        /^\/[A-Za-z0-9_.{}/-]*$/,
        'an absolute path template such as `/v2.1/accounts/{accountId}/users`',
      ),
    query: z.record(z.string().min(1), PARAM_SPEC).optional(),
    body: z
      .record(z.union([BODY_TARGET, z.literal(BODY_ROOT)]), PARAM_SPEC)
      .optional()
      .describe('Target path → value; `$body` merges an object value into the top level of the body.'),
    body_key: PARAM_SPEC.optional().describe(
      'Wraps the built body as `{ <key>: [body] }`, the key computed by this spec (e.g. an enum from a unified type to the DocuSign array that holds that kind, such as `signHereTabs`).',
    ),
  })
  .meta({ id: 'RequestSpec' });
export type RequestSpec = z.infer<typeof REQUEST_SPEC>;

export const PAGING_SPEC = z
  .strictObject({
    style: z.enum(PAGING_STYLES),
    items: PATH.optional().describe('The array of records in the response; absent: the body is one record.'),
    items_fn: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional()
      .describe(
        'A function registered in src/mapping/functions.ts that returns the records of a response (e.g. every tab of a `tabs` object); instead of `items`.',
      ),
    max_page_size: z.number().int().min(1).max(1000).optional().describe('Largest page DocuSign allows.'),
  })
  .superRefine((spec, ctx) => {
    if (spec.items !== undefined && spec.items_fn !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'use either items or items_fn, not both', path: ['items_fn'] });
    }
    if (spec.style !== 'none' && spec.max_page_size === undefined) {
      ctx.addIssue({ code: 'custom', message: 'paged styles need max_page_size', path: ['max_page_size'] });
    }
  })
  .meta({ id: 'PagingSpec' });
export type PagingSpec = z.infer<typeof PAGING_SPEC>;

export const RESPONSE_SPEC = z
  .strictObject({
    record: PATH.optional().describe(
      'Where the record is in the body (e.g. `newUsers[0]`); absent: the body.',
    ),
    record_fn: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional()
      .describe(
        'A function registered in src/mapping/functions.ts that returns the record of the body; instead of `record`.',
      ),
    fields: RESOURCE_FIELD_MAP.optional().describe("This method's own fields instead of the resource's."),
    error_path: PATH.optional().describe(
      'Per-item error object in a 200 response of a bulk call (e.g. `users[0].errorDetails`).',
    ),
    not_found_codes: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'DocuSign `errorCode`s (in an error answer or the per-item error) that mean the id does not exist; reported as 404 `not_found`.',
      ),
    conflict_codes: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "DocuSign `errorCode`s that mean the object is in the wrong state for this call; reported as 409 `conflict` with DocuSign's error in `details`.",
      ),
    invalid_codes: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "DocuSign `errorCode`s that mean the caller's input was refused; reported as 400 `invalid_request` with DocuSign's error in `details`.",
      ),
  })
  .meta({ id: 'ResponseSpec' });
export type ResponseSpec = z.infer<typeof RESPONSE_SPEC>;

export const RELATED_SPEC = z
  .strictObject({
    api: z.enum(UPSTREAM_APIS),
    operation: z.string().optional(),
    request: REQUEST_SPEC,
  })
  .meta({ id: 'RelatedSpec' });

export const METHOD_SPEC = z
  .strictObject({
    description: z.string().optional(),
    api: z.enum(UPSTREAM_APIS),
    operation: z
      .string()
      .optional()
      .describe('The operationId in the DocuSign spec (documentation and tests).'),
    request: REQUEST_SPEC.optional().describe('The upstream request (absent only with `records`).'),
    records: z
      .strictObject({
        from_enum: z
          .string()
          .regex(/^[a-z_][a-z0-9_]*$/)
          .describe('A named enum of this file: one record per unified value.'),
      })
      .optional()
      .describe(
        'Records that come from this file instead of DocuSign: `{id, name, description, upstream_values}` per value of a named enum.',
      ),
    paging: PAGING_SPEC.optional(),
    response: RESPONSE_SPEC.optional(),
    related: z
      .record(FIELD_NAME, RELATED_SPEC)
      .optional()
      .describe('Extra requests made with this one; fields read them under `$related.<name>`.'),
  })
  .superRefine((spec, ctx) => {
    if ((spec.request === undefined) === (spec.records === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a method has either request or records', path: ['request'] });
    }
  })
  .meta({ id: 'MethodSpec' });
export type MethodSpec = z.infer<typeof METHOD_SPEC>;

const METHOD_NAME = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'method names are lowercase (list, get, close, …)');

/** The whole mapping file. */
export const MAPPING_FILE = z
  .strictObject({
    version: z.literal(1),
    model: z.enum(MODELS),
    resource: z.string().regex(/^[a-z][a-z0-9-]*$/, 'resource names are kebab-case'),
    description: z.string().optional(),
    enums: z
      .record(z.string().regex(/^[a-z_][a-z0-9_]*$/), NAMED_ENUM)
      .optional()
      .describe('Named enums, used by `enum: { use: <name> }` here or `<resource>.<name>` in other files.'),
    fields: RESOURCE_FIELD_MAP,
    methods: z.record(METHOD_NAME, METHOD_SPEC).refine((m) => Object.keys(m).length > 0, {
      message: 'at least one method',
    }),
  })
  .meta({
    id: 'MappingFile',
    title: 'DocuSign unified API mapping file',
    description:
      'One unified resource: its response fields and, per method, the upstream request and paging.',
  });
export type MappingFile = z.infer<typeof MAPPING_FILE>;

/** The JSON Schema of the mapping format (written to mappings/mapping.schema.json). */
export function mappingJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(MAPPING_FILE, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}
