/**
 * The document's unified record schemas are closed (`additionalProperties: false`, so a typo does not compile in a
 * generated client): real answers of the gateway over the DocuSign simulator must fit them exactly.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let ia: string;
let validator: (name: string) => ValidateFunction;
beforeAll(async () => {
  t = await createConnectedApp();
  ia = await t.connect();
  const doc = await json(await t.request('/openapi.json'));
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; `example` and friends are annotations ajv need not know.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://gateway.test/openapi.json', components: doc.components });
  validator = (name) => {
    const ref = `https://gateway.test/openapi.json#/components/schemas/${name}`;
    return ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  };
});
afterAll(() => t.close());

function expectFits(name: string, value: unknown): void {
  const validate = validator(name);
  expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

describe('unified answers fit the closed record schemas of /openapi.json', () => {
  it.each([
    ['/unified/user-directory/users', 'User'],
    ['/unified/user-directory/roles', 'Role'],
    ['/unified/user-directory/groups', 'Group'],
    ['/unified/user-directory/licenses', 'License'],
    ['/unified/user-directory/billing', 'Billing'],
    ['/unified/e-signature/users', 'ESignatureUser'],
    ['/unified/e-signature/templates', 'Template'],
    ['/unified/e-signature/signing-request-statuses', 'SigningRequestStatus'],
  ])('GET %s: every record is a %s', async (path, schema) => {
    const res = await t.request(`${path}?integrated_account_id=${ia}&include_remote_data=true&limit=20`);
    expect(res.status).toBe(200);
    const page = await json<{ result: unknown[] }>(res);
    expect(page.result.length).toBeGreaterThan(0);
    for (const record of page.result) expectFits(schema, record);
  });

  it('GET a user by id is a User; a misspelt field is not', async () => {
    const list = await json<{ result: { id: string }[] }>(
      await t.request(`/unified/user-directory/users?integrated_account_id=${ia}&limit=1`),
    );
    const user = await json(
      await t.request(`/unified/user-directory/users/${list.result[0]!.id}?integrated_account_id=${ia}`),
    );
    expectFits('User', user);
    expect(validator('User')({ ...user, frist_name: 'Ada' })).toBe(false);
  });

  it('include_remote_data takes a boolean (true/false) and refuses anything else with 400', async () => {
    const base = `/unified/user-directory/users?integrated_account_id=${ia}&limit=1`;
    const withRemote = await json<{ result: Record<string, unknown>[] }>(
      await t.request(`${base}&include_remote_data=true`),
    );
    expect(withRemote.result[0]).toHaveProperty('remote_data');
    const without = await json<{ result: Record<string, unknown>[] }>(
      await t.request(`${base}&include_remote_data=false`),
    );
    expect(without.result[0]).not.toHaveProperty('remote_data');
    const refused = await t.request(`${base}&include_remote_data=maybe`);
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe('invalid_request');
  });

  it('response_format=raw answers DocuSign records, which the document types as DocuSignRecord, not User', async () => {
    const page = await json<{ result: Record<string, unknown>[] }>(
      await t.request(
        `/unified/user-directory/users?integrated_account_id=${ia}&limit=1&response_format=raw`,
      ),
    );
    const raw = page.result[0]!;
    expect(validator('User')(raw)).toBe(false);
    expectFits('DocuSignRecord', raw);
    const doc = await json(await t.request('/openapi.json'));
    const item = doc.components.schemas.UsersList.properties.result.items;
    expect(item.anyOf).toEqual([
      { $ref: '#/components/schemas/User' },
      { $ref: '#/components/schemas/DocuSignRecord' },
    ]);
  });
});
