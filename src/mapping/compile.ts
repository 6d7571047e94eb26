/**
 * Compiles a validated mapping file into closures, once. Mapping a record then runs a fixed tree of small
 * functions: no path parsing, enum lookup by name or interpretation of the spec happens per record.
 *
 * How a unified list route uses a compiled mapping (src/http/cursor.ts has the paging helpers):
 * ```ts
 * const m = catalog.compiled(model, resource, overrides, overridesVersion).method('list');
 * const limit = parseLimit(query.limit);
 * const binding = { environmentId, integratedAccountId, resource: `${model}/${resource}`,
 *   filtersHash: await hashFilters(filters) };
 * const pos = query.cursor ? await decodeCursor(query.cursor, key, binding, now) : { offset: 0, accountIndex: 0 };
 * const rctx = { accountId: accounts[pos.accountIndex].id, organizationId, integratedAccountId };
 * const page = await fillPage({
 *   limit, offset: pos.offset, maxPageSize: m.maxPageSize, paged: (m.pagingStyle ?? 'none') !== 'none',
 *   fetchPage: async (offset, size) =>
 *     m.readPage(await upstream(m.buildRequest(filters, { ...rctx, page: { offset, size } })), offset),
 * });
 * const related = Object.fromEntries(await Promise.all(
 *   m.related.map(async (r) => [r.name, await upstream(r.buildRequest(filters, rctx))])));
 * const result = page.items.map((rec) => m.mapRecord(rec, { ...rctx, includeRemoteData, related }));
 * const next = nextPosition(pos, page.nextOffset, accounts.length);
 * const next_cursor = next && (await encodeCursor({ ...binding, ...next, expiresAt: now + ttl }, key));
 * ```
 * Get/create/update/actions: `buildRequest(params, rctx)`, then `readItemError(body)` (a bulk call's per-item
 * error inside a 200 response: report it as a 4xx, see upstream/errors.ts), then `mapRecord(readRecord(body), ctx)`.
 */
import { ApiError } from '../http/errors';
import { MappingError } from './errors';
import {
  BODY_ROOT,
  type ContextKey,
  type EnumMap,
  type EnumSpec,
  type FieldMap,
  type FieldSpec,
  type JsonValue,
  type MappingFile,
  type MethodSpec,
  type PagingStyle,
  type ParamSpec,
  type RequestSpec,
  type TransformName,
  type UpstreamApi,
} from './format';
import type { FunctionRegistry } from './functions';
import { compileGetter, compileSetter, type Getter, parsePath } from './path';
import { isMissing, TRANSFORMS, type Transform, TYPE_COERCIONS } from './transforms';

/** What the runtime knows while mapping a response. */
export interface MapContext {
  accountId?: string;
  organizationId?: string;
  integratedAccountId?: string;
  /** Adds `remote_data` (the upstream record) to every mapped object. */
  includeRemoteData?: boolean;
  /** Bodies of the method's `related` requests, by name; fields read them under `$related.<name>`. */
  related?: Record<string, unknown>;
  /** The gateway's clock when the record is mapped (fields that depend on dates compare with it). */
  now?: number;
}

/** What the runtime knows while building a request. */
export interface RequestContext {
  accountId?: string;
  organizationId?: string;
  integratedAccountId?: string;
  /** Paging position for list methods: the upstream offset and how many records to ask for. */
  page?: { offset: number; size: number };
}

/** A request for the upstream client; `path` is relative to the API base (`…/restapi` or `…/management`). */
export interface MappedRequest {
  api: UpstreamApi;
  method: string;
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

/** One page of a list response. `nextOffset` is the upstream offset of the next page, or null at the end. */
export interface Page {
  items: unknown[];
  total: number | null;
  nextOffset: number | null;
}

export type UnifiedObject = Record<string, unknown> & { id: unknown };

export type RecordMapper = (record: unknown, ctx: MapContext) => UnifiedObject;

/** One method of a compiled mapping. */
export interface CompiledMethod {
  name: string;
  api: UpstreamApi;
  operation: string | undefined;
  pagingStyle: PagingStyle | undefined;
  /** Largest page the upstream allows (undefined when not paged). */
  maxPageSize: number | undefined;
  buildRequest(params: Record<string, unknown>, ctx: RequestContext): MappedRequest;
  /** Extra requests to make with this one; their bodies go to `MapContext.related` under the same names. */
  related: ReadonlyArray<{
    name: string;
    api: UpstreamApi;
    buildRequest(params: Record<string, unknown>, ctx: RequestContext): MappedRequest;
  }>;
  /** Reads the records and paging position of a list response (`requestedOffset`: the offset asked for). */
  readPage(body: unknown, requestedOffset?: number): Page;
  /** Reads the one record of a get/create/update/action response (`response.record`, or the body). */
  readRecord(body: unknown): unknown;
  /** The per-item error object of a bulk response (`response.error_path`), or null when there is none. */
  readItemError(body: unknown): Record<string, unknown> | null;
  /** DocuSign error codes that mean "no such id" for this method (`response.not_found_codes`). */
  notFoundCodes: ReadonlySet<string>;
  /** DocuSign error codes that mean "wrong state for this call" (`response.conflict_codes`): 409. */
  conflictCodes: ReadonlySet<string>;
  /** DocuSign error codes that mean "the caller's input was refused" (`response.invalid_codes`): 400. */
  invalidCodes: ReadonlySet<string>;
  /** Records served from the mapping file itself (`records.from_enum`); the method then has no upstream request. */
  staticRecords: readonly UnifiedObject[] | undefined;
  mapRecord: RecordMapper;
}

/** A compiled mapping file. */
export interface CompiledMapping {
  model: string;
  resource: string;
  methods: Readonly<Record<string, CompiledMethod>>;
  /** The method, or a 501 `not_supported` ApiError when the mapping does not define it. */
  method(name: string): CompiledMethod;
  /** The resource-level record mapper (`fields`). */
  mapRecord: RecordMapper;
}

type ValueFn = (record: unknown, ctx: MapContext) => unknown;
type Step = (value: unknown, record: unknown, ctx: MapContext) => unknown;

interface Compiler {
  file: string;
  registry: FunctionRegistry;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function transformList(names: TransformName | TransformName[] | undefined): Transform[] {
  if (names === undefined) return [];
  return (Array.isArray(names) ? names : [names]).map((n) => TRANSFORMS[n]);
}

/** The concrete map of an enum spec; references (`use`) are resolved when mappings are loaded. */
function concreteEnum(spec: EnumSpec, file: string, where: string): EnumMap {
  if ('use' in spec) {
    throw new MappingError(
      file,
      `${where}.enum`,
      `enum reference "${spec.use}" was not resolved (references are resolved when mapping files are loaded; an override must spell the map out)`,
    );
  }
  return spec;
}

/** An enum lookup built once; `undefined` result means "missing". */
function compileEnum(spec: EnumMap): (value: unknown) => unknown {
  const table = new Map<string, JsonValue>(Object.entries(spec.map).map(([k, v]) => [k, deepFreeze(v)]));
  const fallback = spec.default === undefined ? undefined : deepFreeze(spec.default);
  return (value) => {
    if (isMissing(value)) return value;
    const hit = table.get(typeof value === 'string' ? value : String(value));
    return hit === undefined ? fallback : hit;
  };
}

function compilePathSource(path: string): ValueFn {
  const segments = parsePath(path);
  if (segments[0] === '$related') {
    const name = segments[1];
    const get = compileGetter(segments.slice(2));
    return (_record, ctx) => (ctx.related === undefined ? undefined : get(ctx.related[String(name)]));
  }
  // A getter already has the shape of a ValueFn (it ignores ctx): no wrapper call per field.
  return compileGetter(segments);
}

function compileSource(spec: Exclude<FieldSpec, string>, c: Compiler, where: string): ValueFn {
  if (spec.path !== undefined) return compilePathSource(spec.path);
  if (spec.const !== undefined) {
    const value = deepFreeze(spec.const);
    return () => value;
  }
  if (spec.ctx !== undefined) {
    const key: ContextKey = spec.ctx;
    return (_record, ctx) => ctx[key];
  }
  if (spec.first_of !== undefined) {
    const fns = spec.first_of.map((s, i) => compileField(s, c, `${where}.first_of[${i}]`));
    return (record, ctx) => {
      for (let i = 0; i < fns.length; i++) {
        const v = fns[i]!(record, ctx);
        if (!isMissing(v)) return v;
      }
      return null;
    };
  }
  if (spec.list !== undefined) {
    const fns = spec.list.map((s, i) => compileField(s, c, `${where}.list[${i}]`));
    return (record, ctx) => {
      const out = new Array<unknown>(fns.length);
      for (let i = 0; i < fns.length; i++) out[i] = fns[i]!(record, ctx);
      return out;
    };
  }
  return (record) => record;
}

/** Compiles one field spec into `(record, ctx) => value`; a missing result is `null`. */
export function compileField(spec: FieldSpec, c: Compiler, where: string): ValueFn {
  if (typeof spec === 'string') {
    const source = compilePathSource(spec);
    return (record, ctx) => {
      const v = source(record, ctx);
      return v === undefined || v === null || v === '' ? null : v;
    };
  }
  const source = compileSource(spec, c, where);
  const steps: Step[] = [];
  if (spec.source_fn !== undefined) {
    const reshape = compileBodyFunction(spec.source_fn, c, `${where}.source_fn`);
    steps.push((value) => reshape(value));
  }
  if (spec.find !== undefined) {
    const key = compileGetter(spec.find.where);
    const take = spec.find.take === undefined ? undefined : compileGetter(spec.find.take);
    const wanted = spec.find.equals;
    steps.push((value) => {
      if (!Array.isArray(value)) return undefined;
      for (let i = 0; i < value.length; i++) {
        if (key(value[i]) === wanted) return take === undefined ? value[i] : take(value[i]);
      }
      return undefined;
    });
  }
  if (spec.array !== undefined) {
    const map = compileFieldMap(spec.array, c, `${where}.array`);
    steps.push((value, _record, ctx) => {
      if (isMissing(value)) return value;
      const list = Array.isArray(value) ? value : [value];
      const out = new Array<unknown>(list.length);
      for (let i = 0; i < list.length; i++) out[i] = map(list[i], ctx);
      return out;
    });
  }
  if (spec.object !== undefined) {
    const map = compileFieldMap(spec.object, c, `${where}.object`);
    steps.push((value, _record, ctx) => (isMissing(value) ? value : map(value, ctx)));
  }
  if (spec.fn !== undefined) {
    const fn = Object.hasOwn(c.registry, spec.fn) ? c.registry[spec.fn] : undefined;
    if (fn === undefined) {
      throw new MappingError(
        c.file,
        `${where}.fn`,
        `unknown function "${spec.fn}" (registered: ${Object.keys(c.registry).join(', ') || 'none'})`,
      );
    }
    steps.push((value, record, ctx) =>
      fn(value, {
        record,
        accountId: ctx.accountId,
        organizationId: ctx.organizationId,
        integratedAccountId: ctx.integratedAccountId,
        now: ctx.now ?? Date.now(),
      }),
    );
  }
  for (const t of transformList(spec.transform)) steps.push((value) => t(value));
  if (spec.enum !== undefined) {
    const lookup = compileEnum(concreteEnum(spec.enum, c.file, where));
    steps.push((value) => lookup(value));
  }
  if (spec.type !== undefined) {
    const coerce = TYPE_COERCIONS[spec.type];
    steps.push((value) => (isMissing(value) ? value : coerce(value)));
  }
  if (spec.sort_by !== undefined) {
    const key = spec.sort_by;
    steps.push((value) => (Array.isArray(value) ? sortByField(value, key) : value));
  }
  const fallback = spec.default === undefined ? null : deepFreeze(spec.default);
  const when = spec.when === undefined ? undefined : compilePathSource(spec.when);

  if (steps.length === 0 && when === undefined) {
    return (record, ctx) => {
      const v = source(record, ctx);
      return isMissing(v) ? fallback : v;
    };
  }
  if (steps.length === 1 && when === undefined) {
    const only = steps[0]!;
    return (record, ctx) => {
      const v = only(source(record, ctx), record, ctx);
      return isMissing(v) ? fallback : v;
    };
  }
  return (record, ctx) => {
    if (when !== undefined && isMissing(when(record, ctx))) return fallback;
    let v = source(record, ctx);
    for (let i = 0; i < steps.length; i++) v = steps[i]!(v, record, ctx);
    return isMissing(v) ? fallback : v;
  };
}

type SortRank = number | string | null;

function rankOf(item: unknown, key: string): SortRank {
  const v = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined;
  if (isMissing(v)) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : String(v);
}

function compareRanks(a: SortRank, b: SortRank): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A stable sort of objects by one field: numbers (or numeric strings) numerically, missing values last. A list
 * already in order (the usual case) comes back as it is, without sorting.
 */
function sortByField(list: unknown[], key: string): unknown[] {
  const ranks = new Array<SortRank>(list.length);
  let sorted = true;
  for (let i = 0; i < list.length; i++) {
    ranks[i] = rankOf(list[i], key);
    if (sorted && i > 0 && compareRanks(ranks[i - 1]!, ranks[i]!) > 0) sorted = false;
  }
  if (sorted) return list;
  const order = Array.from(list.keys()).sort((a, b) => compareRanks(ranks[a]!, ranks[b]!) || a - b);
  return order.map((i) => list[i]);
}

/** Compiles a field map into `(record, ctx) => object` with every field present. */
export function compileFieldMap(
  map: FieldMap,
  c: Compiler,
  where: string,
): (record: unknown, ctx: MapContext) => Record<string, unknown> {
  const keys = Object.keys(map);
  const fns = keys.map((k) => compileField(map[k]!, c, `${where}.${k}`));
  const n = keys.length;
  return (record, ctx) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) out[keys[i]!] = fns[i]!(record, ctx);
    return out;
  };
}

function compileRecordMapper(fields: FieldMap, c: Compiler, where: string): RecordMapper {
  const map = compileFieldMap(fields, c, where);
  return (record, ctx) => {
    const out = map(record, ctx) as UnifiedObject;
    if (ctx.includeRemoteData) out.remote_data = record;
    return out;
  };
}

type ParamFn = (params: Record<string, unknown>, ctx: RequestContext) => unknown;

function compileCondition(spec: ParamSpec['if']): ((params: Record<string, unknown>) => boolean) | undefined {
  if (spec === undefined) return undefined;
  const checks = Object.entries(spec).map(([name, wanted]) => {
    const get = compileGetter(name);
    const allowed = (Array.isArray(wanted) ? wanted : [wanted]).map((v) => String(v));
    return (params: Record<string, unknown>) => {
      const v = get(params);
      return !isMissing(v) && allowed.includes(String(v));
    };
  });
  return (params) => checks.every((check) => check(params));
}

/**
 * `array:` of a body param: each element of the param's array becomes an object built by the element specs (their
 * params read from the element, `$position` its 1-based position), optionally split into arrays by `group_by`.
 */
function compileArrayParam(
  spec: ParamSpec,
  name: string,
  file: string,
): (value: unknown, ctx: RequestContext) => unknown {
  const targets = Object.entries(spec.array ?? {}).map(
    ([k, p]) => [compileSetter(k), compileParam(p, k, file)] as const,
  );
  const group = spec.group_by;
  const groupOf = group === undefined ? undefined : compileGetter(group.param);
  const label = spec.param ?? name;
  return (value, ctx) => {
    if (isMissing(value)) return value;
    const list = Array.isArray(value) ? value : [value];
    const built: Record<string, unknown>[] = [];
    const grouped: Record<string, Record<string, unknown>[]> = {};
    for (const [i, element] of list.entries()) {
      const fields =
        element !== null && typeof element === 'object' ? (element as Record<string, unknown>) : {};
      const params = { ...fields, $position: i + 1 };
      const out: Record<string, unknown> = {};
      for (const [set, fn] of targets) {
        const v = fn(params, ctx);
        if (!isMissing(v)) set(out, v);
      }
      if (group === undefined || groupOf === undefined) {
        built.push(out);
        continue;
      }
      const key = groupOf(params);
      const target = Object.hasOwn(group.targets, String(key)) ? group.targets[String(key)] : undefined;
      if (target === undefined) {
        throw new ApiError(
          'invalid_request',
          `${label}: ${group.param} must be one of: ${Object.keys(group.targets).join(', ')}`,
          { param: label, value: key },
        );
      }
      const bucket = grouped[target] ?? [];
      bucket.push(out);
      grouped[target] = bucket;
    }
    if (group !== undefined) return Object.keys(grouped).length > 0 ? grouped : undefined;
    return built;
  };
}

function compileParam(spec: ParamSpec, name: string, file = ''): ParamFn {
  let source: ParamFn;
  if (spec.param !== undefined) {
    const key = spec.param;
    const get = key.includes('.') ? compileGetter(key) : undefined;
    source = get === undefined ? (params) => params[key] : (params) => get(params);
  } else if (spec.ctx !== undefined) {
    const key: ContextKey = spec.ctx;
    source = (_params, ctx) => ctx[key];
  } else {
    const value = deepFreeze(spec.const);
    source = () => value;
  }
  const condition = compileCondition(spec.if);
  const when = spec.when === undefined ? undefined : compileGetter(spec.when);
  const elements = spec.array === undefined ? undefined : compileArrayParam(spec, name, file);
  const transforms = transformList(spec.transform);
  const enumMap = spec.enum === undefined ? undefined : concreteEnum(spec.enum, file, `request.${name}`);
  const lookup = enumMap === undefined ? undefined : compileEnum(enumMap);
  const allowed = enumMap === undefined ? '' : Object.keys(enumMap.map).join(', ');
  const fallback = spec.default === undefined ? undefined : deepFreeze(spec.default);
  const label = spec.param ?? name;
  return (params, ctx) => {
    if (condition !== undefined && !condition(params)) return undefined;
    if (when !== undefined && isMissing(when(params))) return undefined;
    let v = source(params, ctx);
    if (elements !== undefined) v = elements(v, ctx);
    for (const t of transforms) v = t(v);
    if (lookup !== undefined && !isMissing(v)) {
      const mapped = lookup(v);
      if (mapped === undefined) {
        throw new ApiError('invalid_request', `${label} must be one of: ${allowed}`, {
          param: label,
          value: v,
        });
      }
      v = mapped;
    }
    if (isMissing(v)) v = fallback;
    if (isMissing(v) && spec.required) {
      // A missing runtime value is the gateway's fault, not the caller's.
      if (spec.ctx !== undefined)
        throw new ApiError('internal', `mapping request needs ${spec.ctx} from the runtime`);
      throw new ApiError('invalid_request', `${label} is required`, { param: label });
    }
    return v;
  };
}

function mergeIntoRoot(target: Record<string, unknown>, value: unknown): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(target, value);
}

function queryString(value: unknown): string {
  if (Array.isArray(value)) return value.map(queryString).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

type PathPart = string | { name: string; fromCtx: ContextKey | undefined };

function compilePathTemplate(template: string): PathPart[] {
  const parts: PathPart[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    const name = m[1]!;
    const fromCtx = name === 'accountId' || name === 'organizationId' ? name : undefined;
    parts.push({ name, fromCtx });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

function compileRequest(
  api: UpstreamApi,
  spec: RequestSpec,
  paging: MethodSpec['paging'],
  file: string,
): (params: Record<string, unknown>, ctx: RequestContext) => MappedRequest {
  const pathParts = compilePathTemplate(spec.path);
  const query = Object.entries(spec.query ?? {}).map(([k, p]) => [k, compileParam(p, k, file)] as const);
  const body =
    spec.body === undefined
      ? undefined
      : Object.entries(spec.body).map(
          ([k, p]) => [k === BODY_ROOT ? mergeIntoRoot : compileSetter(k), compileParam(p, k, file)] as const,
        );
  const bodyKey = spec.body_key === undefined ? undefined : compileParam(spec.body_key, 'body_key', file);
  const style = paging?.style ?? 'none';
  const max = paging?.max_page_size ?? Number.POSITIVE_INFINITY;
  const method = spec.method;
  return (params, ctx) => {
    let path = '';
    for (const part of pathParts) {
      if (typeof part === 'string') {
        path += part;
        continue;
      }
      const v = part.fromCtx ? ctx[part.fromCtx] : params[part.name];
      if (isMissing(v)) {
        throw part.fromCtx
          ? new ApiError('internal', `mapping request needs ${part.name} from the runtime`)
          : new ApiError('invalid_request', `${part.name} is required`, { param: part.name });
      }
      const segment = encodeURIComponent(String(v));
      // encodeURIComponent leaves dots alone, and a `.` or `..` segment would be folded into another path.
      if (segment === '.' || segment === '..') {
        throw new ApiError('invalid_request', `${part.name} is not a valid id`, { param: part.name });
      }
      path += segment;
    }
    const q: Record<string, string> = {};
    for (const [name, fn] of query) {
      const v = fn(params, ctx);
      if (!isMissing(v)) q[name] = queryString(v);
    }
    if (ctx.page && style !== 'none') {
      const size = String(Math.max(1, Math.min(ctx.page.size, max)));
      if (style === 'esignature_offset') {
        q.start_position = String(ctx.page.offset);
        q.count = size;
      } else {
        q.start = String(ctx.page.offset);
        q.take = size;
      }
    }
    const request: MappedRequest = { api, method, path, query: q };
    if (body !== undefined) {
      const out: Record<string, unknown> = {};
      for (const [set, fn] of body) {
        const v = fn(params, ctx);
        if (!isMissing(v)) set(out, v);
      }
      const key = bodyKey?.(params, ctx);
      request.body = isMissing(key) ? out : { [String(key)]: [out] };
    }
    return request;
  };
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A registered function by name (`items_fn`, `record_fn`), called with the body; unknown names fail the compile. */
function compileBodyFunction(name: string, c: Compiler, where: string): Getter {
  const fn = Object.hasOwn(c.registry, name) ? c.registry[name] : undefined;
  if (fn === undefined) {
    throw new MappingError(
      c.file,
      where,
      `unknown function "${name}" (registered: ${Object.keys(c.registry).join(', ') || 'none'})`,
    );
  }
  return (body) => fn(body, { record: body, now: Date.now() });
}

function compilePageReader(
  spec: MethodSpec['paging'],
  c: Compiler,
  where: string,
): (body: unknown, requestedOffset?: number) => Page {
  const getItems: Getter | undefined =
    spec?.items_fn !== undefined
      ? compileBodyFunction(spec.items_fn, c, `${where}.paging.items_fn`)
      : spec?.items === undefined
        ? undefined
        : compileGetter(spec.items);
  const style = spec?.style ?? 'none';
  const readItems = (body: unknown): unknown[] => {
    if (getItems === undefined) return isMissing(body) ? [] : [body];
    const v = getItems(body);
    if (isMissing(v)) return [];
    return Array.isArray(v) ? v : [v];
  };
  const getPaging = compileGetter('paging');
  return (body, requestedOffset = 0) => {
    const items = readItems(body);
    let start: number | null;
    let total: number | null;
    let next: unknown;
    if (style === 'esignature_offset') {
      const b = (body ?? {}) as Record<string, unknown>;
      start = asNumber(b.startPosition);
      total = asNumber(b.totalSetSize);
      next = b.nextUri;
    } else if (style === 'admin') {
      const p = (getPaging(body) ?? {}) as Record<string, unknown>;
      start = asNumber(p.result_set_start_position);
      total = asNumber(p.total_set_size);
      next = p.next;
    } else {
      return { items, total: items.length, nextOffset: null };
    }
    const from = start ?? requestedOffset;
    const more = (typeof next === 'string' && next !== '') || (total !== null && from + items.length < total);
    // An empty page never points further, so a misreporting upstream cannot make a cursor loop.
    return { items, total, nextOffset: more && items.length > 0 ? from + items.length : null };
  };
}

/** `records.from_enum`: one record per unified value of a named enum, with the upstream values behind it. */
function enumRecords(def: MappingFile, name: string, c: Compiler, where: string): UnifiedObject[] {
  const named = def.enums?.[name];
  if (named === undefined) throw new MappingError(c.file, where, `no enum "${name}" in enums`);
  return Object.entries(named.values).map(([value, description]) =>
    deepFreeze({
      id: value,
      name: value,
      description,
      upstream_values: Object.entries(named.map)
        .filter(([, unified]) => unified === value)
        .map(([upstream]) => upstream),
      is_fallback: named.default === value,
    }),
  );
}

function noRequest(name: string): never {
  throw new ApiError('internal', `method ${name} has no upstream request`);
}

function compileMethod(
  name: string,
  spec: MethodSpec,
  resourceMapper: RecordMapper,
  c: Compiler,
  def: MappingFile,
): CompiledMethod {
  const where = `methods.${name}`;
  const mapRecord =
    spec.response?.fields === undefined
      ? resourceMapper
      : compileRecordMapper(spec.response.fields, c, `${where}.response.fields`);
  const recordGetter =
    spec.response?.record_fn !== undefined
      ? compileBodyFunction(spec.response.record_fn, c, `${where}.response.record_fn`)
      : spec.response?.record === undefined
        ? undefined
        : compileGetter(spec.response.record);
  const errorGetter =
    spec.response?.error_path === undefined ? undefined : compileGetter(spec.response.error_path);
  return {
    name,
    api: spec.api,
    operation: spec.operation,
    pagingStyle: spec.paging?.style,
    maxPageSize: spec.paging?.max_page_size,
    buildRequest:
      spec.request === undefined
        ? () => noRequest(name)
        : compileRequest(spec.api, spec.request, spec.paging, c.file),
    related: Object.entries(spec.related ?? {}).map(([relName, rel]) => ({
      name: relName,
      api: rel.api,
      buildRequest: compileRequest(rel.api, rel.request, undefined, c.file),
    })),
    readPage: compilePageReader(spec.paging, c, where),
    readRecord: recordGetter === undefined ? (body) => body : (body) => recordGetter(body),
    readItemError: (body) => {
      if (errorGetter === undefined) return null;
      const v = errorGetter(body);
      if (v === null || typeof v !== 'object') return null;
      // DocuSign reports per-item success as `errorDetails: { errorCode: "SUCCESS", message: "" }`.
      if ((v as Record<string, unknown>).errorCode === 'SUCCESS') return null;
      return Object.values(v).some((x) => !isMissing(x)) ? (v as Record<string, unknown>) : null;
    },
    notFoundCodes: new Set(spec.response?.not_found_codes ?? []),
    conflictCodes: new Set(spec.response?.conflict_codes ?? []),
    invalidCodes: new Set(spec.response?.invalid_codes ?? []),
    staticRecords:
      spec.records === undefined
        ? undefined
        : enumRecords(def, spec.records.from_enum, c, `${where}.records`),
    mapRecord,
  };
}

/**
 * Compiles a validated mapping file. `file` names it in errors (an unknown `fn` is a MappingError).
 * The result is immutable and safe to share between requests.
 */
export function compileMapping(def: MappingFile, registry: FunctionRegistry, file?: string): CompiledMapping {
  const c: Compiler = { file: file ?? `${def.model}/${def.resource}`, registry };
  const mapRecord = compileRecordMapper(def.fields, c, 'fields');
  const methods: Record<string, CompiledMethod> = {};
  for (const [name, spec] of Object.entries(def.methods)) {
    methods[name] = compileMethod(name, spec, mapRecord, c, def);
  }
  Object.freeze(methods);
  return {
    model: def.model,
    resource: def.resource,
    methods,
    mapRecord,
    method(name) {
      const m = Object.hasOwn(methods, name) ? methods[name] : undefined;
      if (m === undefined) {
        throw new ApiError('not_supported', `${def.model}/${def.resource} does not support ${name}`);
      }
      return m;
    },
  };
}
