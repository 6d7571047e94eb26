import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_MAPPINGS } from '../../../src/mapping/bundled-mappings';
import { createMappingCatalog } from '../../../src/mapping/catalog';
import { mappingsFromObjects, validateMapping } from '../../../src/mapping/definitions';
import { createFunctionRegistry } from '../../../src/mapping/functions';
import { mappingTextHash, parseMappingYaml } from '../../../src/mapping/load';
import { MAPPINGS_DIR, repoMappings } from '../../helpers/mappings';

describe('bundled mappings (the Workers path)', () => {
  it('match the YAML files (run `npm run bundle:mappings` after editing a mapping)', () => {
    const files = [...repoMappings().values()].map((l) => l.file).sort();
    expect(BUNDLED_MAPPINGS.map((e) => e.file)).toEqual(files);
    for (const entry of BUNDLED_MAPPINGS) {
      const text = readFileSync(join(MAPPINGS_DIR, entry.file), 'utf8');
      expect(entry.data, entry.file).toEqual(parseMappingYaml(entry.file, text));
      // The Node loader takes `data` in place of parsing and validating only while the file's text has this hash.
      expect(entry.sha256, entry.file).toBe(mappingTextHash(text));
      expect(validateMapping(entry.file, entry.data), entry.file).toEqual(entry.data);
    }
  });

  it('load through mappingsFromObjects into the same definitions', () => {
    const set = mappingsFromObjects(BUNDLED_MAPPINGS);
    for (const [key, loaded] of repoMappings()) expect(set.get(key)?.def).toEqual(loaded.def);
  });
});

describe('createMappingCatalog', () => {
  const catalog = createMappingCatalog(mappingsFromObjects(BUNDLED_MAPPINGS), createFunctionRegistry());

  it('lists and compiles resources, caching the compiled mapping', () => {
    expect(catalog.keys()).toContain('user-directory/users');
    const users = catalog.compiled('user-directory', 'users');
    expect(catalog.compiled('user-directory', 'users')).toBe(users);
    expect(users.method('list').maxPageSize).toBe(100);
  });

  it('applies overrides per version', () => {
    const withDept = catalog.compiled(
      'user-directory',
      'users',
      [{ scope: 'integrated_account', field: 'department', spec: { const: 'Ops' } }],
      'v7',
    );
    expect(withDept.mapRecord({ userId: 'u' }, {}).department).toBe('Ops');
    expect(catalog.compiled('user-directory', 'users').mapRecord({ userId: 'u' }, {})).not.toHaveProperty(
      'department',
    );
  });

  it('is a 404 for an unknown resource', () => {
    expect(() => catalog.compiled('user-directory', 'robots')).toThrow(
      expect.objectContaining({ code: 'not_found', status: 404 }),
    );
  });
});
