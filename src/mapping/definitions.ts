/** Validation of mapping definitions from already-parsed objects (runtime-neutral: used by Node and Workers). */
import type { z } from 'zod';
import { issuePath, MappingError } from './errors';
import { type EnumMap, type EnumRef, MAPPING_FILE, type MappingFile } from './format';

/** A validated mapping file and where it came from. */
export interface LoadedMapping {
  file: string;
  def: MappingFile;
}

/** Validated mappings by `model/resource`. */
export type MappingSet = ReadonlyMap<string, LoadedMapping>;

/** The key of a mapping in a MappingSet. */
export function mappingKey(model: string, resource: string): string {
  return `${model}/${resource}`;
}

interface FlatIssue {
  path: PropertyKey[];
  message: string;
}

// A union issue ("Invalid input") hides the useful reason; descend into the branch that got furthest.
function flattenIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): FlatIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.filter((branch) => branch.length > 0);
    const score = (branch: z.core.$ZodIssue[]): number =>
      branch.some((i) => i.code === 'invalid_type' && i.path.length === 0)
        ? -1
        : Math.max(...branch.map((i) => i.path.length));
    const best = branches.reduce((a, b) => (score(b) > score(a) ? b : a), branches[0]!);
    if (best[0]) return flattenIssue(best[0], path);
  }
  return { path, message: issue.message };
}

/** Formats zod issues as `path: reason` lines (the first few). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): FlatIssue[] {
  return issues.map((i) => flattenIssue(i));
}

/** Validates one parsed mapping file; throws a MappingError naming the file, the path and the reason. */
export function validateMapping(file: string, data: unknown): MappingFile {
  const result = MAPPING_FILE.safeParse(data);
  if (!result.success) {
    const flat = describeIssues(result.error.issues);
    const first = flat[0]!;
    const more = flat.length > 1 ? ` (and ${flat.length - 1} more problem${flat.length > 2 ? 's' : ''})` : '';
    throw new MappingError(file, issuePath(first.path), `${first.message}${more}`);
  }
  return result.data;
}

/**
 * Builds a MappingSet from already-parsed files (e.g. YAML bundled into a Worker). `file` is the path relative to
 * the mappings root (`docusign/user-directory/users.yaml`); when it has that shape, model and resource must match it.
 * `validated` marks data that is already `validateMapping`'s output (the bundle's copies, written by
 * scripts/bundle-mappings.ts): it is not validated twice.
 */
export function mappingsFromObjects(
  entries: Iterable<{ file: string; data: unknown; validated?: boolean }>,
): MappingSet {
  const set = new Map<string, LoadedMapping>();
  for (const { file, data, validated } of entries) {
    const def = validated ? (data as MappingFile) : validateMapping(file, data);
    const m = /(?:^|\/)([a-z-]+)\/([a-z0-9-]+)\.ya?ml$/.exec(file);
    if (m && (m[1] !== def.model || m[2] !== def.resource)) {
      throw new MappingError(
        file,
        m[1] !== def.model ? 'model' : 'resource',
        `the file's location says ${m[1]}/${m[2]} but it declares ${def.model}/${def.resource}`,
      );
    }
    const key = mappingKey(def.model, def.resource);
    const existing = set.get(key);
    if (existing) throw new MappingError(file, 'resource', `${key} is already defined by ${existing.file}`);
    set.set(key, { file, def });
  }
  for (const loaded of set.values()) resolveEnumRefs(loaded, set);
  return set;
}

/** The map an `enum: { use }` stands for (`inverse`: unified value → comma-joined upstream values). */
function referencedEnum(ref: EnumRef, from: LoadedMapping, set: MappingSet, where: string): EnumMap {
  const dot = ref.use.indexOf('.');
  const owner = dot < 0 ? from : set.get(mappingKey(from.def.model, ref.use.slice(0, dot)));
  const name = dot < 0 ? ref.use : ref.use.slice(dot + 1);
  const named = owner?.def.enums?.[name];
  if (named === undefined) {
    throw new MappingError(
      from.file,
      where,
      `enum "${ref.use}" does not exist (no such resource or enums entry)`,
    );
  }
  if (!ref.inverse)
    return { map: named.map, ...(named.default === undefined ? {} : { default: named.default }) };
  const inverse: Record<string, string[]> = {};
  for (const [upstream, unified] of Object.entries(named.map)) {
    const key = String(unified);
    inverse[key] = [...(inverse[key] ?? []), upstream];
  }
  return { map: Object.fromEntries(Object.entries(inverse).map(([k, v]) => [k, v.join(',')])) };
}

/** Replaces every `enum: { use }` of a validated file with the map it names, so compiled mappings see plain maps. */
function resolveEnumRefs(loaded: LoadedMapping, set: MappingSet): void {
  const visit = (node: unknown, where: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) visit(child, `${where}[${i}]`);
      return;
    }
    const obj = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(obj)) {
      if (key === 'const' || key === 'enums') continue;
      const at = where ? `${where}.${key}` : key;
      if (key === 'enum' && value !== null && typeof value === 'object' && 'use' in value) {
        obj[key] = referencedEnum(value as EnumRef, loaded, set, at);
      } else visit(value, at);
    }
  };
  visit(loaded.def.fields, 'fields');
  visit(loaded.def.methods, 'methods');
}
