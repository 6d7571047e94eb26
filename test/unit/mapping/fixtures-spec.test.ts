import { describe, expect, it } from 'vitest';
import { fixture, listFixtures } from '../../helpers/docusign-fixtures';
import { validateAgainstSpec } from '../../helpers/spec-validator';

describe('DocuSign fixtures', () => {
  const files = listFixtures();

  it('cover every operation the user-directory mappings read', () => {
    const ops = new Set(files.map((f) => f.operationId));
    for (const op of [
      'Users_GetUsers',
      'User_GetUser',
      'Users_PostUsers',
      'Users_DeleteUsers',
      'PermissionProfiles_GetPermissionProfiles',
      'Groups_GetGroups',
      'Accounts_GetAccount',
      'BillingPlan_GetBillingPlan',
      'BillingInvoices_GetBillingInvoices',
    ]) {
      expect(ops, op).toContain(op);
    }
  });

  it.each(files.map((f) => [f.name, f] as const))(
    '%s is valid against the spec, with no undeclared fields',
    (_, f) => {
      expect(validateAgainstSpec(f.api, f.operationId, f.status, fixture(f.name), { strict: true })).toEqual(
        [],
      );
    },
  );

  it('the validator catches a field the spec does not define (the check above can fail)', () => {
    const body = fixture<{ users: Record<string, unknown>[] }>('esignature.Users_GetUsers.200.json');
    body.users[0]!.department = 'Operations';
    expect(validateAgainstSpec('esignature', 'Users_GetUsers', 200, body, { strict: true })).not.toEqual([]);
  });
});
