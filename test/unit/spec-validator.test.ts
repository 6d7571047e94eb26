import { describe, expect, it } from 'vitest';
import { findOperation, loadExtract, validateAgainstSpec } from '../helpers/spec-validator';

describe('spec extracts', () => {
  it('carry provenance and resolve every reference', () => {
    for (const api of ['esignature', 'admin'] as const) {
      const extract = loadExtract(api);
      expect(extract.provenance.repository).toBe('https://github.com/docusign/OpenAPI-Specifications');
      expect(extract.provenance.sha256).toMatch(/^[0-9a-f]{64}$/);
      const refs = JSON.stringify(extract).match(/#\/definitions\/[A-Za-z0-9_.-]+/g) ?? [];
      for (const ref of refs) expect(extract.definitions[ref.slice(14)], ref).toBeDefined();
    }
  });

  it('strip documentation keywords but keep properties named like them', () => {
    const { definitions } = loadExtract('esignature');
    expect(JSON.stringify(definitions)).not.toContain('x-ds-');
    expect(definitions.envelopeTemplate?.properties).toHaveProperty('description');
    expect(definitions.offlineAttributes).toEqual({ type: 'object' });
  });
});

describe('validateAgainstSpec', () => {
  it('accepts a body that matches the declared schema', () => {
    expect(
      validateAgainstSpec('esignature', 'Users_GetUsers', 200, {
        users: [{ userId: 'u1' }],
        totalSetSize: '1',
      }),
    ).toEqual([]);
  });

  it('names the JSON path of a wrongly typed field', () => {
    expect(validateAgainstSpec('esignature', 'Users_GetUsers', 200, { users: [{ isAdmin: true }] })).toEqual([
      '$.users.0.isAdmin: must be string',
    ]);
  });

  it('checks undeclared error statuses against the error definition', () => {
    expect(
      validateAgainstSpec('esignature', 'Users_GetUsers', 401, { errorCode: 'X', message: 'm' }),
    ).toEqual([]);
    expect(validateAgainstSpec('admin', 'Organization_Organization_GetListV2', 400, { error: 1 })).toEqual([
      '$.error: must be string',
    ]);
  });

  it('rejects an undeclared success status', () => {
    expect(validateAgainstSpec('esignature', 'Users_PostUsers', 200, {})[0]).toContain(
      'status 200 is not declared',
    );
  });

  it('in strict mode reports properties the spec does not define', () => {
    expect(
      validateAgainstSpec(
        'esignature',
        'User_GetUser',
        200,
        { userId: 'u', invented: 'x' },
        { strict: true },
      ),
    ).toEqual(['$: property "invented" is not defined in the spec']);
  });

  it('checks Admin formats', () => {
    expect(
      validateAgainstSpec('admin', 'OrganizationUser_OrganizationUsers_GetV2', 200, {
        users: [{ id: 'nope' }],
      }),
    ).toEqual(['$.users.0.id: must match format "uuid"']);
  });
});

describe('findOperation', () => {
  it('prefers literal segments over parameters', () => {
    expect(
      findOperation('esignature', 'GET', '/restapi/v2.1/accounts/a/envelopes/transfer_rules')?.operationId,
    ).toBe('EnvelopeTransferRules_GetEnvelopeTransferRules');
    const match = findOperation(
      'esignature',
      'GET',
      '/restapi/v2.1/accounts/a/envelopes/e1?include=recipients',
    );
    expect(match?.operationId).toBe('Envelopes_GetEnvelope');
    expect(match?.params).toEqual({ accountId: 'a', envelopeId: 'e1' });
  });

  it('treats the Admin base path case-insensitively', () => {
    expect(findOperation('admin', 'GET', '/management/v2/organizations')?.operationId).toBe(
      'Organization_Organization_GetListV2',
    );
    expect(findOperation('admin', 'GET', '/Management/v2/organizations')?.operationId).toBe(
      'Organization_Organization_GetListV2',
    );
  });

  it('returns undefined for an unknown route', () => {
    expect(findOperation('esignature', 'PATCH', '/restapi/v2.1/accounts/a/users')).toBeUndefined();
  });
});
