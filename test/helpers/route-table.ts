/**
 * The operations of an app's `/openapi.json`, with what the security suite and the fuzz need to call each one:
 * parameters, body schema, documented statuses, whether an API key is needed. Cases are derived from the
 * document, so a route is covered the day it is registered.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema fragments of the document are walked generically.
type Schema = any;

export interface RouteParam {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface RouteOperation {
  method: string;
  path: string;
  params: RouteParam[];
  /** JSON body schema ($refs resolved lazily by `exampleOf`), when the operation takes a JSON-only body. */
  body: Schema | undefined;
  bodyRequired: boolean;
  statuses: Set<number>;
  /** Needs an API key (no `security: []`). */
  secured: boolean;
  label: string;
}

export interface RouteTable {
  operations: RouteOperation[];
  resolve(schema: Schema): Schema;
}

/** Reads the operations of an OpenAPI 3.1 document. */
export function routeTable(document: Schema): RouteTable {
  const schemas = document.components?.schemas ?? {};
  const resolve = (schema: Schema): Schema => {
    let current = schema;
    for (let i = 0; i < 10 && current?.$ref; i++) current = schemas[String(current.$ref).split('/').pop()!];
    return current ?? {};
  };
  const operations: RouteOperation[] = [];
  for (const [path, item] of Object.entries<Schema>(document.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      // Only a body that must be JSON is the input guard's; one the proxy streams on untouched (JSON or any bytes,
      // so several media types) is DocuSign's to judge.
      const media = Object.keys(op.requestBody?.content ?? {});
      const content = media.length === 1 ? op.requestBody.content['application/json'] : undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: Schema) => ({
          name: p.name,
          in: p.in,
          required: Boolean(p.required),
          schema: resolve(p.schema ?? {}),
        })),
        body: content ? (content.schema ?? {}) : undefined,
        bodyRequired: Boolean(op.requestBody?.required),
        statuses: new Set(Object.keys(op.responses ?? {}).map(Number)),
        secured: !(Array.isArray(op.security) && op.security.length === 0),
        label: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return { operations, resolve };
}

/** A plausible valid value for a schema: its example, default, first enum value, or one built from its type. */
export function exampleOf(table: RouteTable, raw: Schema, depth = 0): unknown {
  const schema = table.resolve(raw);
  if (depth > 8) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) {
    const first = alternatives.find((s: Schema) => table.resolve(s).type !== 'null') ?? alternatives[0];
    return exampleOf(table, first, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((s: Schema) => exampleOf(table, s, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        out[name] = exampleOf(table, schema.properties?.[name] ?? {}, depth + 1);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        exampleOf(table, schema.items ?? {}, depth + 1),
      );
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'string':
      return stringExample(schema);
    default:
      return 'x';
  }
}

function stringExample(schema: Schema): string {
  switch (schema.format) {
    case 'email':
      return 'someone@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/done';
    case 'date-time':
      return '2026-01-01T00:00:00.000Z';
    case 'date':
      return '2026-01-01';
    default:
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

/** Builds the request of an operation: path params filled in, query set, body (already a string) as given. */
export function buildRequest(
  op: RouteOperation,
  values: Record<string, string>,
  body?: { text: string; contentType?: string },
): { url: string; init: RequestInit } {
  let url = op.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const param of op.params) {
    const value = values[param.name];
    if (value === undefined) continue;
    if (param.in === 'path') url = url.replace(`{${param.name}}`, value);
    else if (param.in === 'query') query.append(param.name, value);
  }
  // Values with `%00` are passed raw (URLSearchParams would encode the percent sign).
  let search = query.toString();
  for (const [name, value] of Object.entries(values)) {
    if (value.includes('%00') && op.params.some((p) => p.name === name && p.in === 'query')) {
      search = search.replace(`${name}=${encodeURIComponent(value)}`, `${name}=${value}`);
    }
  }
  if (body?.contentType) headers['content-type'] = body.contentType;
  return {
    url: search ? `${url}?${search}` : url,
    init: { method: op.method, headers, ...(body ? { body: body.text } : {}) },
  };
}
