/** The mappings a gateway serves: validated definitions plus a compile cache that applies overrides. */
import { ApiError } from '../http/errors';
import type { CompiledMapping } from './compile';
import { type MappingSet, mappingKey } from './definitions';
import type { MappingFile } from './format';
import type { FunctionRegistry } from './functions';
import { CompiledMappingCache, type MappingOverride } from './overrides';

export interface MappingCatalog {
  /** The base definition of a resource, or a 404 `not_found` ApiError. */
  definition(model: string, resource: string): MappingFile;
  /** The compiled mapping with overrides applied (cached per `version`, see CompiledMappingCache). */
  compiled(
    model: string,
    resource: string,
    overrides?: readonly MappingOverride[],
    version?: string,
  ): CompiledMapping;
  /** `model/resource` keys of every mapping. */
  keys(): string[];
}

/** Builds the catalog the routes use from a loaded MappingSet (Node: loadMappings; Workers: mappingsFromObjects). */
export function createMappingCatalog(set: MappingSet, registry: FunctionRegistry): MappingCatalog {
  const cache = new CompiledMappingCache(registry);
  const definition = (model: string, resource: string): MappingFile => {
    const loaded = set.get(mappingKey(model, resource));
    if (!loaded) throw new ApiError('not_found', `no mapping for ${model}/${resource}`);
    return loaded.def;
  };
  return {
    definition,
    compiled: (model, resource, overrides = [], version) =>
      cache.get(definition(model, resource), overrides, version),
    keys: () => [...set.keys()].sort(),
  };
}
