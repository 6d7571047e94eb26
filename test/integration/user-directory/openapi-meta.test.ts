import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';
import { json } from '../../helpers/http';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const U = '/unified/user-directory';
const ROUTES: [string, string, string][] = [
  [`${U}/users`, 'get', 'UsersList'],
  [`${U}/users`, 'post', 'User'],
  [`${U}/users/{id}`, 'get', 'User'],
  [`${U}/users/{id}`, 'patch', 'User'],
  [`${U}/users/{id}`, 'delete', ''],
  [`${U}/users/{id}/close`, 'post', 'User'],
  [`${U}/roles`, 'get', 'RolesList'],
  [`${U}/roles/{id}`, 'get', 'Role'],
  [`${U}/groups`, 'get', 'GroupsList'],
  [`${U}/groups`, 'post', 'Group'],
  [`${U}/groups/{id}`, 'patch', 'Group'],
  [`${U}/groups/{id}`, 'delete', ''],
  [`${U}/licenses`, 'get', 'LicensesList'],
  [`${U}/billing`, 'get', 'BillingList'],
  ['/mapping-overrides/{model}/{resource}', 'get', ''],
  ['/mapping-overrides/{model}/{resource}', 'put', 'MappingOverride'],
  ['/mapping-overrides/{model}/{resource}', 'delete', ''],
];

describe('GET /openapi.json', () => {
  it('lists every user-directory and mapping-override route with named schemas', async () => {
    const doc = await json(await t.request('/openapi.json'));
    for (const name of ['User', 'Role', 'Group', 'License', 'Billing', 'Invoice', 'MappingOverride']) {
      expect(doc.components.schemas).toHaveProperty(name);
    }
    expect(doc.components.schemas.User.properties.status.enum).toEqual([
      'active',
      'inactive',
      'invited',
      'deleted',
    ]);
    for (const [path, method, schema] of ROUTES) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      if (!schema) continue;
      const ok = operation.responses['200'] ?? operation.responses['201'];
      // Single records are the unified schema or, with response_format=raw, DocuSign's record.
      const body = ok.content['application/json'].schema;
      expect(body.$ref ?? body.anyOf?.[0]?.$ref, `${method.toUpperCase()} ${path}`).toBe(
        `#/components/schemas/${schema}`,
      );
    }
    const listParams = doc.paths[`${U}/users`].get.parameters.map((p: { name: string }) => p.name);
    expect(listParams).toEqual(
      expect.arrayContaining([
        'limit',
        'cursor',
        'status',
        'email',
        'email_contains',
        'name_contains',
        'group_id',
      ]),
    );
  });
});

describe('GET /meta', () => {
  it('lists the user-directory resources and their methods', async () => {
    const res = await t.request('/meta');
    expect(res.status).toBe(200);
    const meta = await json(res);
    const model = meta.models.find((m: { name: string }) => m.name === 'user-directory');
    const methods = Object.fromEntries(
      model.resources.map((r: { name: string; methods: string[] }) => [r.name, [...r.methods].sort()]),
    );
    expect(methods).toMatchObject({
      users: ['close', 'create', 'delete', 'get', 'list', 'transfer-envelopes', 'update'],
      roles: ['get', 'list'],
      groups: ['create', 'delete', 'get', 'list', 'update'],
      licenses: ['list'],
      billing: ['list'],
      utilization: ['list'],
      'transfer-jobs': ['get'],
    });
  });
});
