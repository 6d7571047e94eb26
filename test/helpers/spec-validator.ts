/**
 * Validates response bodies against the committed DocuSign spec extracts (src/sandbox/docusign/spec),
 * with ajv. Swagger 2.0 schemas are JSON-Schema draft-4 style; ajv runs with `strict: false` so
 * Swagger-only keywords are ignored, and every definition is registered so `#/definitions/...` resolves.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type SpecApi = 'esignature' | 'admin';

/** One entry of `parameters` in an extract. */
export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'body' | 'header' | 'formData';
  required: boolean;
  type?: string;
  format?: string;
  schema?: Record<string, unknown>;
}

/** One operation of an extract. */
export interface SpecOperation {
  method: string;
  path: string;
  parameters: SpecParameter[];
  responses: Record<string, Record<string, unknown>>;
}

/** The shape of `src/sandbox/docusign/spec/<api>.extract.json`. */
export interface SpecExtract {
  provenance: { repository: string; file: string; commit: string; sha256: string; license: string };
  basePath: string;
  operations: Record<string, SpecOperation>;
  definitions: Record<string, Record<string, unknown>>;
}

/** Options for `validateAgainstSpec`. */
export interface ValidateOptions {
  /**
   * Also report properties the spec does not define (adds `additionalProperties: false` to every object schema
   * with `properties`). `allowExtra` lists `definition.property` pairs accepted anyway (e.g. fields only in newer specs).
   */
  strict?: boolean;
  allowExtra?: string[];
}

const ERROR_DEFINITION: Record<SpecApi, string> = { esignature: 'errorDetails', admin: 'ErrorDetails' };

const extracts = new Map<SpecApi, SpecExtract>();

/** Loads (once) the committed extract of one API. */
export function loadExtract(api: SpecApi): SpecExtract {
  let extract = extracts.get(api);
  if (!extract) {
    const url = new URL(`../../src/sandbox/docusign/spec/${api}.extract.json`, import.meta.url);
    extract = JSON.parse(readFileSync(url, 'utf8')) as SpecExtract;
    extracts.set(api, extract);
  }
  return extract;
}

const ajvs = new Map<string, Ajv>();
const compiled = new Map<string, ValidateFunction>();

function schemaId(api: SpecApi, strictKey: string): string {
  return `urn:docusign:${api}:${strictKey}`;
}

function closeObjects(node: unknown, defName: string, allow: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => closeObjects(n, defName, allow));
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(src)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) props[name] = closeObjects(sub, defName, allow);
      for (const extra of allow) {
        const [def, prop] = extra.split('.');
        if (def === defName && prop && !(prop in props)) props[prop] = {};
      }
      out[key] = props;
    } else {
      out[key] = closeObjects(value, defName, allow);
    }
  }
  if (out.properties !== undefined && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

function ajvFor(api: SpecApi, options: ValidateOptions): { ajv: Ajv; id: string } {
  const allow = [...(options.allowExtra ?? [])].sort();
  const strictKey = options.strict ? `strict:${allow.join(',')}` : 'open';
  const id = schemaId(api, strictKey);
  let ajv = ajvs.get(id);
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    const definitions: Record<string, unknown> = {};
    const allowSet = new Set(allow);
    for (const [name, def] of Object.entries(loadExtract(api).definitions)) {
      definitions[name] = options.strict ? closeObjects(def, name, allowSet) : def;
    }
    ajv.addSchema({ $id: id, definitions });
    ajvs.set(id, ajv);
  }
  return { ajv, id };
}

function rewriteRefs(schema: unknown, id: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => rewriteRefs(s, id));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === '$ref' && typeof value === 'string' ? `${id}${value}` : rewriteRefs(value, id);
  }
  return out;
}

function formatError(e: ErrorObject): string {
  const path = `$${e.instancePath.replace(/\//g, '.')}`;
  if (e.keyword === 'additionalProperties') {
    return `${path}: property "${String(e.params.additionalProperty)}" is not defined in the spec`;
  }
  return `${path}: ${e.message ?? e.keyword}`;
}

function isBinary(body: unknown): boolean {
  return typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

/**
 * Validates `body` against the response schema the spec declares for `operationId` and `status`.
 * Returns an empty array when valid, else messages that name the JSON path. An error status the operation
 * does not declare (the eSignature spec declares only 400, the Admin spec no errors) is checked against the
 * API's error definition (`errorDetails` / `ErrorDetails`). A `type: file` response must be bytes or text.
 */
export function validateAgainstSpec(
  api: SpecApi,
  operationId: string,
  status: number | string,
  body: unknown,
  options: ValidateOptions = {},
): string[] {
  const op = loadExtract(api).operations[operationId];
  if (!op) return [`operation ${operationId} is not in the ${api} extract`];
  const code = String(status);
  let schema = op.responses[code];
  if (schema === undefined && Number(code) >= 400)
    schema = { $ref: `#/definitions/${ERROR_DEFINITION[api]}` };
  if (schema === undefined) {
    return [
      `status ${code} is not declared for ${operationId} (declared: ${Object.keys(op.responses).join(', ')})`,
    ];
  }
  if (schema.type === 'file') return isBinary(body) ? [] : ['$: expected file content (bytes)'];
  if (Object.keys(schema).length === 0) {
    return body === undefined || body === null || body === '' ? [] : ['$: expected an empty body'];
  }
  const { ajv, id } = ajvFor(api, options);
  const key = `${id}|${operationId}|${code}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(schema, id) as Record<string, unknown>);
    compiled.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(formatError);
}

/** Validates a request body against the operation's `in: body` parameter schema (empty array = valid). */
export function validateRequestAgainstSpec(
  api: SpecApi,
  operationId: string,
  body: unknown,
  options: ValidateOptions = {},
): string[] {
  const op = loadExtract(api).operations[operationId];
  if (!op) return [`operation ${operationId} is not in the ${api} extract`];
  const param = op.parameters.find((p) => p.in === 'body');
  if (!param?.schema) return body === undefined ? [] : [`${operationId} takes no request body`];
  const { ajv, id } = ajvFor(api, options);
  const key = `${id}|${operationId}|request`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(param.schema, id) as Record<string, unknown>);
    compiled.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(formatError);
}

/** The result of matching a concrete request to a spec operation. */
export interface OperationMatch {
  operationId: string;
  operation: SpecOperation;
  params: Record<string, string>;
}

const BASE_PREFIX: Record<SpecApi, RegExp> = {
  esignature: /^\/restapi(?=\/)/,
  admin: /^\/management(?=\/)/i,
};

/**
 * Finds the operation serving `method` + a concrete `path` (with or without the API's base path, query ignored).
 * When several templates match, the one with more literal segments wins (`/envelopes/transfer_rules` over `/envelopes/{envelopeId}`).
 */
export function findOperation(api: SpecApi, method: string, path: string): OperationMatch | undefined {
  const bare = (path.split('?')[0] ?? '').replace(BASE_PREFIX[api], '').replace(/\/+$/, '');
  const segments = bare.split('/');
  let best: { match: OperationMatch; literals: number } | undefined;
  for (const [operationId, operation] of Object.entries(loadExtract(api).operations)) {
    if (operation.method !== method.toUpperCase()) continue;
    const tpl = operation.path.split('/');
    if (tpl.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < tpl.length && ok; i++) {
      const t = tpl[i]!;
      const s = segments[i]!;
      if (t.startsWith('{') && t.endsWith('}')) {
        if (s === '') ok = false;
        else params[t.slice(1, -1)] = decodeURIComponent(s);
      } else if (api === 'admin' ? t.toLowerCase() === s.toLowerCase() : t === s) {
        literals++;
      } else {
        ok = false;
      }
    }
    if (ok && (!best || literals > best.literals))
      best = { match: { operationId, operation, params }, literals };
  }
  return best?.match;
}
