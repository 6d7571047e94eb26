/** Loads and compiles the repository's mapping files for tests. */
import { type CompiledMapping, compileMapping } from '../../src/mapping/compile';
import { createFunctionRegistry } from '../../src/mapping/functions';
import { loadMappings, type MappingSet, mappingKey } from '../../src/mapping/load';

export const MAPPINGS_DIR = new URL('../../mappings/', import.meta.url).pathname;

let cached: MappingSet | undefined;

/** Every mapping file of the repository, validated. */
export function repoMappings(): MappingSet {
  cached ??= loadMappings(MAPPINGS_DIR);
  return cached;
}

/** The compiled mapping of one resource (no overrides). */
export function compiled(model: string, resource: string): CompiledMapping {
  const loaded = repoMappings().get(mappingKey(model, resource));
  if (!loaded) throw new Error(`no mapping for ${model}/${resource}`);
  return compileMapping(loaded.def, createFunctionRegistry(), loaded.file);
}
