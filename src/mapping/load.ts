/** Node loader: reads every mapping YAML file under a directory and validates it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { type MappingSet, mappingsFromObjects } from './definitions';
import { MappingError } from './errors';

export {
  type LoadedMapping,
  type MappingSet,
  mappingKey,
  mappingsFromObjects,
  validateMapping,
} from './definitions';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Parses YAML text; a syntax error is a MappingError with the line and column. */
export function parseMappingYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    throw new MappingError(
      file,
      at ? `line ${at.line}, column ${at.col}` : '',
      error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
    );
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/**
 * Loads and validates every `*.yaml` under `dir` (the `mappings/` root). A broken file throws a MappingError
 * naming the file (relative to `dir`), the path inside it and the reason.
 */
export function loadMappings(dir: string): MappingSet {
  const entries = yamlFiles(dir).map((full) => {
    const file = relative(dir, full).split(sep).join('/');
    return { file, data: parseMappingYaml(file, readFileSync(full, 'utf8')) };
  });
  return mappingsFromObjects(entries);
}
