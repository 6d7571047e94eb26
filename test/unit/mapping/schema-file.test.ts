import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mappingJsonSchema } from '../../../src/mapping/format';
import { MAPPINGS_DIR } from '../../helpers/mappings';

const committed = JSON.parse(readFileSync(join(MAPPINGS_DIR, 'mapping.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

describe('mappings/mapping.schema.json', () => {
  it('matches the zod schema (run `npx tsx scripts/write-mapping-schema.ts` after changing format.ts)', () => {
    expect(committed).toEqual(mappingJsonSchema());
  });

  it('accepts every committed mapping file, and every file points its editor at it', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(committed);
    const files = yamlFiles(join(MAPPINGS_DIR, 'docusign'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0], file).toBe('# yaml-language-server: $schema=../../mapping.schema.json');
      expect(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('rejects what the zod schema rejects: an unknown key in a field spec', () => {
    const validate = new Ajv2020({ strict: false }).compile(committed);
    const bad = {
      version: 1,
      model: 'user-directory',
      resource: 'users',
      fields: { id: { path: 'userId', pathh: 'typo' } },
      methods: { get: { api: 'esignature', request: { method: 'GET', path: '/x' } } },
    };
    expect(validate(bad)).toBe(false);
  });
});
