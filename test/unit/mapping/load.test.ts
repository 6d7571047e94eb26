import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MappingError } from '../../../src/mapping/errors';
import { loadMappings, mappingsFromObjects } from '../../../src/mapping/load';
import { MAPPINGS_DIR, repoMappings } from '../../helpers/mappings';

const GOOD = `version: 1
model: user-directory
resource: users
fields:
  id: userId
methods:
  get:
    api: esignature
    request: { method: GET, path: '/v2.1/accounts/{accountId}/users/{id}' }
`;

function dirWith(text: string, file = 'users.yaml', model = 'user-directory'): string {
  const root = mkdtempSync(join(tmpdir(), 'mappings-'));
  mkdirSync(join(root, 'docusign', model), { recursive: true });
  writeFileSync(join(root, 'docusign', model, file), text);
  return root;
}

function loadError(text: string, file?: string): MappingError {
  try {
    loadMappings(dirWith(text, file));
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error('expected a MappingError');
}

describe('loadMappings', () => {
  it('loads every committed mapping file by model/resource', () => {
    const keys = [...repoMappings().keys()].sort();
    expect(keys.filter((k) => k.startsWith('user-directory/'))).toEqual([
      'user-directory/billing',
      'user-directory/groups',
      'user-directory/licenses',
      'user-directory/roles',
      'user-directory/users',
    ]);
    expect(keys).toEqual(
      expect.arrayContaining([
        'e-signature/collections',
        'e-signature/contacts',
        'e-signature/document-fields',
        'e-signature/documents',
        'e-signature/groups',
        'e-signature/templates',
        'e-signature/users',
      ]),
    );
    expect(loadMappings(MAPPINGS_DIR).get('user-directory/users')?.file).toBe(
      'docusign/user-directory/users.yaml',
    );
  });

  it('parses a committed file edited in place instead of taking its bundled copy (an override on restart)', () => {
    const text = readFileSync(join(MAPPINGS_DIR, 'docusign/user-directory/users.yaml'), 'utf8');
    const edited = text.replace('  id: userId\n', '  id: userName\n');
    expect(edited).not.toBe(text);
    const fields = loadMappings(dirWith(edited)).get('user-directory/users')?.def.fields;
    expect(fields?.id).toBe('userName');
    expect(repoMappings().get('user-directory/users')?.def.fields.id).toBe('userId');
  });

  it('loads a minimal valid file', () => {
    expect(loadMappings(dirWith(GOOD)).get('user-directory/users')?.def.fields).toEqual({ id: 'userId' });
  });

  it('names file, path and reason for an unknown transform', () => {
    const err = loadError(GOOD.replace('id: userId', 'id: userId\n  x: { path: a, transform: reverse }'));
    expect(err.file).toBe('docusign/user-directory/users.yaml');
    expect(err.path).toBe('fields.x.transform');
    expect(err.message).toMatch(/^docusign\/user-directory\/users\.yaml: fields\.x\.transform: /);
  });

  it('names the nested path of a typo inside an array field map', () => {
    const err = loadError(
      GOOD.replace('id: userId', 'id: userId\n  g: { path: groupList, array: { id: { pth: groupId } } }'),
    );
    expect(err.path).toBe('fields.g.array.id');
    expect(err.reason).toMatch(/pth/);
  });

  it('rejects a field with two sources', () => {
    const err = loadError(GOOD.replace('id: userId', 'id: userId\n  x: { path: a, const: 1 }'));
    expect(err.path).toBe('fields.x.const');
    expect(err.reason).toMatch(/at most one source/);
  });

  it('refuses prototype keys in response paths and body targets', () => {
    expect(loadError(GOOD.replace('id: userId', 'id: userId\n  x: a.constructor.name')).path).toBe(
      'fields.x',
    );
    const body = `${GOOD}      body:\n        'a.__proto__.polluted': { const: 1 }\n`.replace(
      "request: { method: GET, path: '/v2.1/accounts/{accountId}/users/{id}' }",
      "request:\n      method: GET\n      path: '/v2.1/accounts/{accountId}/users/{id}'",
    );
    expect(loadError(body).path).toBe('methods.get.request.body.a.__proto__.polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('requires id', () => {
    expect(loadError(GOOD.replace('id: userId', 'name: userName')).path).toBe('fields');
  });

  it('requires max_page_size on paged lists', () => {
    const err = loadError(`${GOOD}    paging: { style: esignature_offset, items: users }\n`);
    expect(err.path).toBe('methods.get.paging.max_page_size');
  });

  it('reports YAML syntax errors with line and column', () => {
    const err = loadError(`${GOOD}  bad: [unclosed\n`);
    expect(err.path).toMatch(/^line \d+, column \d+$/);
    expect(err.reason).not.toMatch(/line/);
  });

  it('rejects a file whose location disagrees with its model/resource', () => {
    const err = loadError(GOOD, 'people.yaml');
    expect(err.reason).toMatch(/location says user-directory\/people/);
  });

  it('loads already-parsed objects (the Workers path) with the same validation', () => {
    const set = mappingsFromObjects([
      {
        file: 'docusign/user-directory/users.yaml',
        data: repoMappings().get('user-directory/users')!.def,
      },
    ]);
    expect(set.get('user-directory/users')?.def.methods.list?.paging?.max_page_size).toBe(100);
    expect(() => mappingsFromObjects([{ file: 'x.yaml', data: { version: 2 } }])).toThrow(MappingError);
  });
});
