/**
 * Overrides: change, add or remove ONE field of a resource's response mapping without restating the rest,
 * per environment and per integrated account (account overrides apply after, so they win). Pure logic: the
 * database table and routes store overrides and pass them here.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors';
import { type CompiledMapping, compileMapping } from './compile';
import { describeIssues } from './definitions';
import { issuePath, MappingError } from './errors';
import {
  FIELD_SPEC,
  type FieldMap,
  type FieldSpec,
  MAPPING_FILE,
  MAX_FIELD_NAME_LENGTH,
  type MappingFile,
  PROTOTYPE_KEYS,
} from './format';
import type { FunctionRegistry } from './functions';

export const OVERRIDE_SCOPES = ['environment', 'integrated_account'] as const;
export type OverrideScope = (typeof OVERRIDE_SCOPES)[number];

/** The body of `PUT /mapping-overrides/{model}/{resource}`: one field and its new spec (null removes it). */
export const MAPPING_OVERRIDE_INPUT = z.strictObject({
  field: z
    .string()
    .max(MAX_FIELD_NAME_LENGTH, `at most ${MAX_FIELD_NAME_LENGTH} characters`)
    .regex(
      /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/,
      'a unified field name, or a dotted path into a nested map',
    )
    .refine(
      (field) => !field.split('.').some((segment) => PROTOTYPE_KEYS.has(segment)),
      '__proto__, prototype and constructor are not field names',
    ),
  method: z
    .string()
    .min(1)
    .max(64, 'at most 64 characters')
    .regex(/^[a-z][a-z0-9_-]*$/, 'a method name of the mapping (list, get, close, …)')
    .optional()
    .describe("Targets that method's own response.fields instead of fields."),
  spec: FIELD_SPEC.nullable().describe('The new field spec; null removes the field.'),
});
export type MappingOverrideInput = z.infer<typeof MAPPING_OVERRIDE_INPUT>;

/** One stored override. */
export interface MappingOverride extends MappingOverrideInput {
  scope: OverrideScope;
}

function nestedMap(spec: FieldSpec | undefined): FieldMap | undefined {
  if (spec === undefined || typeof spec === 'string') return undefined;
  return spec.array ?? spec.object;
}

function describe(o: MappingOverride): string {
  return `${o.scope} override of ${o.method ? `methods.${o.method}.response.fields.` : ''}${o.field}`;
}

function applyOne(def: MappingFile, o: MappingOverride): void {
  let fields: FieldMap | undefined;
  if (o.method === undefined) fields = def.fields;
  else {
    const method = Object.hasOwn(def.methods, o.method) ? def.methods[o.method] : undefined;
    if (method === undefined) throw new ApiError('invalid_request', `${describe(o)}: no method ${o.method}`);
    fields = method.response?.fields;
    if (fields === undefined) {
      throw new ApiError('invalid_request', `${describe(o)}: method ${o.method} uses the resource fields`);
    }
  }
  const segments = o.field.split('.');
  for (const segment of segments.slice(0, -1)) {
    fields = nestedMap(fields[segment]);
    if (fields === undefined) {
      throw new ApiError('invalid_request', `${describe(o)}: ${segment} has no nested array or object map`);
    }
  }
  const last = segments[segments.length - 1]!;
  if (o.spec === null) delete fields[last];
  else fields[last] = o.spec;
}

/**
 * Applies overrides (environment ones first, then integrated-account ones, each in the given order) to a copy of
 * `def` and validates the result with the mapping schema. An override that breaks the mapping is an
 * `invalid_request` ApiError naming the override and the reason. Removing an absent field is a no-op.
 */
export function applyOverrides(def: MappingFile, overrides: readonly MappingOverride[]): MappingFile {
  if (overrides.length === 0) return def;
  const copy = structuredClone(def);
  const ordered = [
    ...overrides.filter((o) => o.scope === 'environment'),
    ...overrides.filter((o) => o.scope === 'integrated_account'),
  ];
  for (const o of ordered) applyOne(copy, o);
  const result = MAPPING_FILE.safeParse(copy);
  if (!result.success) {
    const issues = describeIssues(result.error.issues).map((i) => ({
      path: issuePath(i.path),
      message: i.message,
    }));
    const first = issues[0]!;
    throw new ApiError(
      'invalid_request',
      `mapping override is invalid: ${first.path}: ${first.message}`,
      issues,
    );
  }
  return result.data;
}

/** Applies and compiles overrides, turning compile errors (an unknown `fn`) into `invalid_request` too. */
export function compileWithOverrides(
  def: MappingFile,
  overrides: readonly MappingOverride[],
  registry: FunctionRegistry,
): CompiledMapping {
  const merged = applyOverrides(def, overrides);
  try {
    return compileMapping(merged, registry);
  } catch (err) {
    if (err instanceof MappingError && overrides.length > 0) {
      throw new ApiError('invalid_request', `mapping override is invalid: ${err.path}: ${err.reason}`);
    }
    throw err;
  }
}

/**
 * Compiled mappings per (base definition, overrides version). An unchanged override set costs a map lookup;
 * a changed one compiles once on the next request. Without an explicit version the overrides' JSON is the key.
 */
export class CompiledMappingCache {
  private readonly byDef = new WeakMap<MappingFile, Map<string, CompiledMapping>>();

  constructor(
    private readonly registry: FunctionRegistry,
    /** Compiled variants kept per definition (one per distinct override set in use). */
    private readonly maxVariants = 256,
  ) {}

  /** The compiled mapping of `def` with `overrides` applied. `version` identifies the override set cheaply. */
  get(def: MappingFile, overrides: readonly MappingOverride[] = [], version?: string): CompiledMapping {
    let variants = this.byDef.get(def);
    if (variants === undefined) {
      variants = new Map();
      this.byDef.set(def, variants);
    }
    const key = overrides.length === 0 ? '' : (version ?? JSON.stringify(overrides));
    const hit = variants.get(key);
    if (hit !== undefined) {
      // Re-insert so the least recently used variant is the first one evicted.
      variants.delete(key);
      variants.set(key, hit);
      return hit;
    }
    const compiled = compileWithOverrides(def, overrides, this.registry);
    variants.set(key, compiled);
    if (variants.size > this.maxVariants) {
      const oldest = variants.keys().next().value;
      if (oldest !== undefined) variants.delete(oldest);
    }
    return compiled;
  }
}
