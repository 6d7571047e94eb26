import { afterAll, describe, expect, it } from 'vitest';
import { buildRequest, exampleOf, type RouteOperation } from '../../helpers/route-table';
import {
  baselineValues,
  createSecurityFixture,
  expectRefusal,
  namesConnection,
} from '../../helpers/security-fixture';

// One security suite over every operation of /openapi.json (issue 11): the cases are derived from the document, so a
// route is covered the day it is registered. Public routes (security: []) skip the API-key cases only.
const f = await createSecurityFixture();
afterAll(() => f.t.close());
const ops = f.table.operations;
const secured = ops.filter((op) => op.secured);
const withBody = ops.filter((op) => op.body !== undefined);
const NUL = 'a%00b';

const send = (op: RouteOperation, values: Record<string, string>, options: SendOptions = {}) => {
  const body =
    options.body ??
    (op.body !== undefined
      ? { text: JSON.stringify(exampleOf(f.table, op.body)), contentType: 'application/json' }
      : undefined);
  const { url, init } = buildRequest(op, values, body);
  const auth: Record<string, string> =
    options.key === null ? {} : { authorization: `Bearer ${options.key ?? f.t.apiKey}` };
  return f.t.app.request(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...auth } });
};
interface SendOptions {
  key?: string | null;
  body?: { text: string; contentType?: string };
}

describe('the route table', () => {
  it('has the operations the suite expects to cover', () => {
    expect(secured.length).toBeGreaterThan(25);
    expect(withBody.length).toBeGreaterThan(5);
  });
});

describe('without an API key', () => {
  it.each(secured.map((op) => [op.label, op] as const))('%s answers 401', async (_label, op) => {
    const res = await send(op, baselineValues(f, op, f.readWrite), { key: null });
    await expectRefusal(res, op, [401]);
  });
});

describe("with another environment's API key", () => {
  it.each(secured.map((op) => [op.label, op] as const))(
    '%s does not reach this environment’s connection',
    async (_label, op) => {
      const res = await send(op, baselineValues(f, op, f.readWrite), { key: f.otherKey });
      if (namesConnection(op)) {
        await expectRefusal(res, op, [403, 404]);
      } else {
        expect(res.status, op.label).toBeLessThan(500);
        expect(await res.text(), op.label).not.toContain(f.readWrite);
      }
    },
  );
});

const writes = secured.filter(
  (op) =>
    op.method !== 'GET' && op.params.some((p) => p.name === 'integrated_account_id') && op.statuses.has(403),
);
describe('with a read connection', () => {
  it.each(writes.map((op) => [op.label, op] as const))('%s answers 403 forbidden', async (_label, op) => {
    const res = await send(op, baselineValues(f, op, f.read));
    const text = await res.clone().text();
    await expectRefusal(res, op, [403]);
    expect(JSON.parse(text).error.code).toBe('forbidden');
  });
});

describe('a body sent without content-type: application/json', () => {
  it.each(withBody.map((op) => [op.label, op] as const))('%s answers 415', async (_label, op) => {
    const res = await send(op, baselineValues(f, op, f.readWrite), {
      body: { text: 'field=value', contentType: 'text/plain' },
    });
    await expectRefusal(res, op, [415]);
  });
});

describe('JSON nested thousands of levels deep', () => {
  const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
  it.each(withBody.map((op) => [op.label, op] as const))('%s answers 400', async (_label, op) => {
    const res = await send(op, baselineValues(f, op, f.readWrite), {
      body: { text: deep, contentType: 'application/json' },
    });
    await expectRefusal(res, op, [400]);
  });
});

const nulCases = ops.flatMap((op) =>
  op.params
    .filter((p) => p.in === 'path' || p.in === 'query')
    .map((param) => [`${op.label} ${param.in} ${param.name}`, op, param.name] as const),
);
describe('a NUL byte in a path or query parameter', () => {
  it.each(nulCases)('%s answers 400', async (_label, op, name) => {
    const res = await send(op, { ...baselineValues(f, op, f.readWrite), [name]: NUL });
    await expectRefusal(res, op, [400]);
  });
});

describe('routes outside the document', () => {
  it.each([
    ['GET', '/openapi.json?x=%00'],
    ['GET', '/docs?x=%00'],
    ['GET', '/health?x=%00'],
    ['GET', '/link/a%00b'],
    ['GET', '/oauth/callback?state=%00'],
    ['POST', '/webhooks/docusign?x=%00'],
  ])('%s %s refuses a NUL byte with 400', async (method, path) => {
    await expectRefusal(await f.t.app.request(path, { method }), null, [400]);
  });

  it('refuses a webhook body with NUL or deep nesting, and never answers 5xx', async () => {
    for (const text of ['{"a":"\\u0000"}', `${'['.repeat(5000)}${']'.repeat(5000)}`]) {
      const res = await f.t.app.request('/webhooks/docusign', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      });
      await expectRefusal(res, null, [400]);
    }
  });

  it('key management takes the management token only, never an API key', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${f.t.apiKey}` },
      { authorization: 'Bearer dgwm_wrong' },
    ];
    for (const headers of attempts) {
      await expectRefusal(await f.t.app.request('/admin/api-keys', { headers }), null, [401]);
      const post = await f.t.app.request('/admin/api-keys', { method: 'POST', headers });
      await expectRefusal(post, null, [401]);
    }
  });
});
