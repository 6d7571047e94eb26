/**
 * Checks the committed mapping files against the DocuSign spec extract: every method names a real operation with
 * the same HTTP method and path, sends only query parameters and body fields the spec declares, and every response
 * path a field reads exists in the schema of the record it is read from ("never invent DocuSign fields").
 */
import { describe, expect, it } from 'vitest';
import type { FieldMap, FieldSpec, MappingFile, MethodSpec, ParamSpec } from '../../../src/mapping/format';
import { parsePath } from '../../../src/mapping/path';
import { repoMappings } from '../../helpers/mappings';
import { loadExtract, type SpecApi } from '../../helpers/spec-validator';

type Schema = Record<string, unknown>;

function resolve(api: SpecApi, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === 'string' && i < 20; i++) {
    s = loadExtract(api).definitions[s.$ref.replace('#/definitions/', '')];
  }
  return s;
}

/** The schema at `path` under `schema`, or undefined when the spec does not define it. */
function walk(api: SpecApi, schema: Schema | undefined, path: string): Schema | undefined {
  let s = resolve(api, schema);
  for (const seg of parsePath(path)) {
    if (!s) return undefined;
    if (typeof seg === 'number') s = s.type === 'array' ? resolve(api, s.items as Schema) : undefined;
    else s = resolve(api, (s.properties as Record<string, Schema> | undefined)?.[seg]);
  }
  return s;
}

const elementOf = (api: SpecApi, s: Schema | undefined) =>
  s?.type === 'array' ? resolve(api, s.items as Schema) : s;

/**
 * Records a registered function produces (`items_fn`, `record_fn`, `source_fn`): the spec definitions they come
 * from. flatten_tabs returns DocuSign tab objects of every kind.
 */
const FUNCTION_RECORDS: Record<string, string[]> = {
  flatten_tabs: [
    'signHere',
    'initialHere',
    'dateSigned',
    'fullName',
    'text',
    'checkbox',
    'radioGroup',
    'list',
  ],
  first_tab: ['signHere', 'initialHere', 'dateSigned', 'fullName', 'text', 'checkbox', 'radioGroup', 'list'],
};

/** A schema whose properties are those of every definition a function's records come from. */
function functionRecordSchema(api: SpecApi, fn: string): Schema {
  const properties: Record<string, Schema> = {};
  for (const name of FUNCTION_RECORDS[fn] ?? []) {
    Object.assign(
      properties,
      (loadExtract(api).definitions[name]?.properties as Record<string, Schema>) ?? {},
    );
  }
  return { type: 'object', properties };
}

/**
 * Operations whose last path parameter a mapping may omit, as the spec describes. Contacts_GetContactById: "To
 * return all contacts associated with an account, omit this parameter."
 */
const OPTIONAL_LAST_PARAMETER = new Set(['Contacts_GetContactById']);

/** Whether a mapping path matches the spec path; a literal segment may stand for a parameter (`folders/recyclebin`). */
function samePath(operationId: string | undefined, mapped: string, spec: string): boolean {
  const pattern = (p: string) =>
    new RegExp(
      `^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '(?:\\{[^}]+\\}|[^/{}]+)')}$`,
    );
  if (pattern(spec).test(mapped)) return true;
  return (
    operationId !== undefined &&
    OPTIONAL_LAST_PARAMETER.has(operationId) &&
    pattern(spec.replace(/\/\{[^}]+\}$/, '')).test(mapped)
  );
}

/** Body targets as sent: under each kind array a `body_key` enum can name, and inside `array` params. */
function bodyTargets(request: NonNullable<MethodSpec['request']>): string[][] {
  const keyEnum = request.body_key?.enum;
  const keys = keyEnum && 'map' in keyEnum ? Object.values(keyEnum.map).map(String) : [''];
  const targets: string[] = [];
  for (const [target, spec] of Object.entries(request.body ?? {})) {
    targets.push(target);
    for (const inner of Object.keys(spec.array ?? {})) targets.push(`${target}[0].${inner}`);
  }
  // A target passes when it exists under at least one of the kinds (not every tab kind has a value, say).
  return targets.map((target) => keys.map((key) => (key ? `${key}[0].${target}` : target)));
}

function operation(method: MethodSpec | { api: SpecApi; operation?: string }) {
  const op = method.operation ? loadExtract(method.api).operations[method.operation] : undefined;
  return op;
}

/** Schemas of the records a method maps. */
function recordSchema(m: MethodSpec): Schema | undefined {
  const op = operation(m);
  const status = Object.keys(op?.responses ?? {}).find((s) => s.startsWith('2'));
  const body = resolve(m.api, status ? (op?.responses[status] as Schema) : undefined);
  if (m.paging?.items_fn) return functionRecordSchema(m.api, m.paging.items_fn);
  if (m.paging) return m.paging.items ? elementOf(m.api, walk(m.api, body, m.paging.items)) : body;
  if (m.response?.record_fn) return functionRecordSchema(m.api, m.response.record_fn);
  return m.response?.record ? walk(m.api, body, m.response.record) : body;
}

interface Ctx {
  api: SpecApi;
  related: Record<string, Schema | undefined>;
  file: string;
}

function checkPath(
  c: Ctx,
  schemas: (Schema | undefined)[],
  path: string,
  where: string,
  problems: string[],
): (Schema | undefined)[] {
  if (path.startsWith('$related.')) {
    const [, name, ...rest] = parsePath(path);
    const found = walk(c.api, c.related[String(name)], rest.join('.'));
    if (!found) problems.push(`${c.file} ${where}: ${path} is not in the related response`);
    return [found];
  }
  const found = schemas.map((s) => walk(c.api, s, path));
  if (!found.some(Boolean)) problems.push(`${c.file} ${where}: ${path} is not in the spec`);
  return found;
}

function checkField(
  c: Ctx,
  schemas: (Schema | undefined)[],
  spec: FieldSpec,
  where: string,
  problems: string[],
): void {
  if (typeof spec === 'string') {
    checkPath(c, schemas, spec, where, problems);
    return;
  }
  let source = schemas;
  if (spec.path) source = checkPath(c, schemas, spec.path, where, problems);
  if (spec.source_fn)
    source = [functionRecordSchema(c.api, spec.source_fn)].map((s) => ({ type: 'array', items: s }));
  if (spec.when) checkPath(c, schemas, spec.when, `${where}.when`, problems);
  for (const [i, s] of (spec.first_of ?? []).entries())
    checkField(c, schemas, s, `${where}.first_of[${i}]`, problems);
  for (const [i, s] of (spec.list ?? []).entries())
    checkField(c, schemas, s, `${where}.list[${i}]`, problems);
  if (spec.find) {
    const elements = source.map((s) => elementOf(c.api, s));
    checkPath(c, elements, spec.find.where, `${where}.find.where`, problems);
    // Without `take` the found element itself is the value `array`/`object` read from.
    if (spec.find.take) source = checkPath(c, elements, spec.find.take, `${where}.find.take`, problems);
    else source = elements;
  }
  if (spec.array)
    checkMap(
      c,
      source.map((s) => elementOf(c.api, s)),
      spec.array,
      `${where}.array`,
      problems,
    );
  if (spec.object) checkMap(c, source, spec.object, `${where}.object`, problems);
}

function checkMap(
  c: Ctx,
  schemas: (Schema | undefined)[],
  map: FieldMap,
  where: string,
  problems: string[],
): void {
  for (const [name, spec] of Object.entries(map)) checkField(c, schemas, spec, `${where}.${name}`, problems);
}

function relatedSchemas(m: MethodSpec): Record<string, Schema | undefined> {
  const out: Record<string, Schema | undefined> = {};
  for (const [name, rel] of Object.entries(m.related ?? {})) {
    const op = operation(rel);
    out[name] = resolve(rel.api, op?.responses['200'] as Schema | undefined);
  }
  return out;
}

/** Body targets the spec does not declare, walking into `array` elements and `group_by` arrays. */
function bodyProblems(
  api: SpecApi,
  schema: Schema | undefined,
  body: Record<string, ParamSpec>,
  where: string,
): string[] {
  const problems: string[] = [];
  for (const [target, spec] of Object.entries(body)) {
    const at = target === '$body' ? resolve(api, schema) : walk(api, schema, target);
    if (!at) {
      problems.push(`${where} ${target}`);
      continue;
    }
    if (!spec.array) continue;
    const group = spec.group_by;
    const arrays = group
      ? Object.entries(group.targets).map(([value, t]) => [value, t, walk(api, at, t)] as const)
      : [[undefined, target, at] as const];
    for (const [value, name, array] of arrays) {
      // An element spec whose `if` rules out this group's value never reaches this array.
      const reaches = ([, p]: [string, ParamSpec]) => {
        const wanted = group && p.if?.[group.param];
        return wanted === undefined || (Array.isArray(wanted) ? wanted : [wanted]).includes(value ?? null);
      };
      const each = Object.fromEntries(Object.entries(spec.array).filter(reaches));
      if (array?.type !== 'array') problems.push(`${where} ${target}.${name} is not an array`);
      else problems.push(...bodyProblems(api, elementOf(api, array), each, `${where} ${target}.${name}[]`));
    }
  }
  return problems;
}

const files: [string, MappingFile][] = [...repoMappings().values()].map((l) => [l.file, l.def]);

describe('mapping files against the DocuSign spec', () => {
  it.each(files)(
    '%s: every method and related request names a spec operation with the same method and path',
    (_, def) => {
      for (const [name, m] of Object.entries(def.methods)) {
        if (m.request === undefined) continue; // records from the file itself (`records.from_enum`)
        for (const req of [
          { api: m.api, operation: m.operation, request: m.request },
          ...Object.values(m.related ?? {}),
        ]) {
          const op = operation(req);
          expect(op, `${name}: ${req.operation}`).toBeDefined();
          expect(req.request.method, name).toBe(op!.method);
          expect(samePath(req.operation, req.request.path, op!.path), `${name}: ${req.request.path}`).toBe(
            true,
          );
          const queryNames = op!.parameters.filter((p) => p.in === 'query').map((p) => p.name);
          for (const q of Object.keys(req.request.query ?? {}))
            expect(queryNames, `${name} query ${q}`).toContain(q);
          const bodySchema = op!.parameters.find((p) => p.in === 'body')?.schema as Schema | undefined;
          if (req.request.body_key) {
            for (const candidates of bodyTargets(req.request)) {
              const found = candidates.some((target) => walk(req.api, bodySchema, target) !== undefined);
              expect(found, `${name} body ${candidates[0]}`).toBe(true);
            }
          } else {
            expect(bodyProblems(req.api, bodySchema, req.request.body ?? {}, `${name} body`)).toEqual([]);
          }
        }
      }
    },
  );

  it.each(files)('%s: every path a field reads exists in the record schema', (file, def) => {
    const problems: string[] = [];
    // Methods with `records` serve the file's own records: there is no DocuSign schema to check against.
    const users = Object.values(def.methods).filter((m) => !m.response?.fields && m.request);
    if (users.length === 0) return;
    const c: Ctx = {
      api: users[0]?.api ?? 'esignature',
      related: Object.assign({}, ...users.map(relatedSchemas)),
      file,
    };
    checkMap(c, users.map(recordSchema), def.fields, 'fields', problems);
    for (const [name, m] of Object.entries(def.methods)) {
      if (m.response?.fields) {
        checkMap(
          { ...c, api: m.api, related: relatedSchemas(m) },
          [recordSchema(m)],
          m.response.fields,
          `methods.${name}`,
          problems,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('the field check catches an invented DocuSign field', () => {
    const problems: string[] = [];
    const def = repoMappings().get('user-directory/users')!.def;
    const c: Ctx = { api: 'esignature', related: {}, file: 'users.yaml' };
    checkMap(c, [recordSchema(def.methods.list!)], { department: 'userDepartment' }, 'fields', problems);
    expect(problems).toEqual(['users.yaml fields.department: userDepartment is not in the spec']);
  });
});
