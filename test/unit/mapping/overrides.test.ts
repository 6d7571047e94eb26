import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { createFunctionRegistry } from '../../../src/mapping/functions';
import {
  applyOverrides,
  CompiledMappingCache,
  MAPPING_OVERRIDE_INPUT,
  type MappingOverride,
} from '../../../src/mapping/overrides';
import { fixture } from '../../helpers/docusign-fixtures';
import { repoMappings } from '../../helpers/mappings';

const usersDef = repoMappings().get('user-directory/users')!.def;
const ada = fixture('esignature.User_GetUser.200.json');
const ctx = { accountId: 'acc' };
const registry = createFunctionRegistry();

const department: MappingOverride = {
  scope: 'environment',
  field: 'department',
  spec: { path: 'customSettings', find: { where: 'name', equals: 'department', take: 'value' } },
};

describe('mapping overrides', () => {
  it('adds one field from a DocuSign custom setting, keeping every other field', () => {
    const cache = new CompiledMappingCache(registry);
    const base = cache.get(usersDef).method('get').mapRecord(ada, ctx);
    const withDept = cache.get(usersDef, [department]).method('get').mapRecord(ada, ctx);
    expect(base).not.toHaveProperty('department');
    expect(withDept).toEqual({ ...base, department: 'Operations' });
  });

  it('replaces one field', () => {
    const merged = applyOverrides(usersDef, [{ scope: 'environment', field: 'username', spec: 'userName' }]);
    expect(merged.fields.username).toBe('userName');
    expect(merged.fields.emails).toEqual(usersDef.fields.emails);
  });

  it('removes one field and leaves the base definition untouched', () => {
    const merged = applyOverrides(usersDef, [{ scope: 'environment', field: 'phones', spec: null }]);
    expect(merged.fields).not.toHaveProperty('phones');
    expect(usersDef.fields).toHaveProperty('phones');
  });

  it('lets integrated-account overrides win over environment ones, whatever the order given', () => {
    const merged = applyOverrides(usersDef, [
      { scope: 'integrated_account', field: 'title', spec: { const: 'account' } },
      { scope: 'environment', field: 'title', spec: { const: 'environment' } },
    ]);
    expect(merged.fields.title).toEqual({ const: 'account' });
  });

  it('changes a field inside a nested array map with a dotted field name', () => {
    const merged = applyOverrides(usersDef, [
      { scope: 'environment', field: 'groups.kind', spec: 'groupType' },
    ]);
    const compiled = new CompiledMappingCache(registry).get(merged);
    expect(compiled.method('get').mapRecord(ada, ctx).groups).toEqual([
      { id: '5501234', name: 'Everyone', kind: 'everyoneGroup' },
    ]);
  });

  it('targets a method with its own fields', () => {
    const merged = applyOverrides(usersDef, [
      { scope: 'environment', method: 'delete', field: 'email', spec: 'email' },
    ]);
    expect(merged.methods.delete?.response?.fields).toEqual({ id: 'userId', email: 'email' });
    expect(() =>
      applyOverrides(usersDef, [{ scope: 'environment', method: 'list', field: 'x', spec: 'y' }]),
    ).toThrow(/uses the resource fields/);
  });

  it('rejects an override that breaks the mapping, with the reason', () => {
    const remove = () => applyOverrides(usersDef, [{ scope: 'environment', field: 'id', spec: null }]);
    expect(remove).toThrow(ApiError);
    expect(remove).toThrow(/mapping override is invalid: fields: the field map must define `id`/);
    const bad = () =>
      applyOverrides(usersDef, [
        { scope: 'environment', field: 'x', spec: { path: 'a', transform: 'nope' as never } },
      ]);
    expect(bad).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400 }));
    expect(bad).toThrow(/fields\.x\.transform/);
  });

  it('rejects an override calling an unregistered function when compiled', () => {
    const cache = new CompiledMappingCache(registry);
    expect(() => cache.get(usersDef, [{ scope: 'environment', field: 'x', spec: { fn: 'nope' } }])).toThrow(
      expect.objectContaining({ code: 'invalid_request', message: expect.stringMatching(/fields\.x\.fn/) }),
    );
  });

  it('compiles once per overrides version; a new version takes effect on the next call', () => {
    const cache = new CompiledMappingCache(registry);
    expect(cache.get(usersDef)).toBe(cache.get(usersDef));
    const v1 = cache.get(usersDef, [department], 'v1');
    expect(cache.get(usersDef, [department], 'v1')).toBe(v1);
    const changed: MappingOverride = { ...department, spec: { const: 'Sales' } };
    const v2 = cache.get(usersDef, [changed], 'v2');
    expect(v2).not.toBe(v1);
    expect(v2.method('get').mapRecord(ada, ctx).department).toBe('Sales');
    // Without a version, the overrides' content is the key.
    expect(cache.get(usersDef, [changed])).toBe(cache.get(usersDef, [{ ...changed }]));
  });

  it('evicts the least recently used variant beyond the limit', () => {
    const cache = new CompiledMappingCache(registry, 2);
    const a = cache.get(usersDef, [department], 'a');
    cache.get(usersDef, [department], 'b');
    cache.get(usersDef, [department], 'a');
    cache.get(usersDef, [department], 'c');
    expect(cache.get(usersDef, [department], 'a')).toBe(a);
  });

  it('validates the PUT body shape', () => {
    expect(
      MAPPING_OVERRIDE_INPUT.safeParse({ field: 'department', spec: 'customSettings[0].value' }).success,
    ).toBe(true);
    expect(MAPPING_OVERRIDE_INPUT.safeParse({ field: 'Department', spec: 'x' }).success).toBe(false);
    expect(MAPPING_OVERRIDE_INPUT.safeParse({ field: 'x' }).success).toBe(false);
  });
});
