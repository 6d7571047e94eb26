/** Node loader: reads every mapping YAML file under a directory and validates it. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { BUNDLED_MAPPINGS } from './bundled-mappings';
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

/** The sha256 of a mapping file's text: the bundle records it beside each parsed copy. */
export function mappingTextHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const bundledByFile = new Map(BUNDLED_MAPPINGS.map((entry) => [entry.file, entry]));

/**
 * Loads and validates every `*.yaml` under `dir` (the `mappings/` root). A broken file throws a MappingError
 * naming the file (relative to `dir`), the path inside it and the reason. A file whose text is the one bundled at
 * build time takes the bundle's parsed and validated copy (parsing and validating every file was a sixth of a
 * restart); an edited file is parsed, so the edit takes effect on restart.
 */
export function loadMappings(dir: string): MappingSet {
  const entries = yamlFiles(dir).map((full) => {
    const file = relative(dir, full).split(sep).join('/');
    const text = readFileSync(full, 'utf8');
    const bundled = bundledByFile.get(file);
    // Cloned: building the set resolves enum references in place.
    return bundled?.sha256 === mappingTextHash(text)
      ? { file, data: structuredClone(bundled.data), validated: true }
      : { file, data: parseMappingYaml(file, text) };
  });
  return mappingsFromObjects(entries);
}
