import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let ia: string;
beforeAll(async () => {
  t = await createConnectedApp();
  ia = await t.connect();
});
afterAll(() => t.close());

const send = (path: string, method: string, body: string, contentType = 'application/json') =>
  t.request(path, { method, headers: { 'content-type': contentType }, body });

async function expectRefusal(res: Response, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('x-request-id')).toBeTruthy();
  const body = await json(res);
  expect(body.error).toMatchObject({
    code: status === 415 ? 'unsupported_media_type' : 'invalid_request',
    status,
  });
  expect(body.error.message).toMatch(message);
  expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
}

describe('a body route called without content-type: application/json (issue 11, finding 2)', () => {
  it('answers 415 unsupported_media_type for a plain curl -d (form content type)', async () => {
    const res = await send(
      '/link-tokens',
      'POST',
      'return_url=https://a.example',
      'application/x-www-form-urlencoded',
    );
    await expectRefusal(res, 415, /content-type: application\/json/);
  });

  it('answers 415 when the content type is missing or text/plain', async () => {
    await expectRefusal(await t.request('/link-tokens', { method: 'POST', body: '{}' }), 415, /content-type/);
    await expectRefusal(
      await send(`/integrated-accounts/${ia}`, 'PATCH', '{}', 'text/plain'),
      415,
      /content-type/,
    );
  });

  it('answers 400 for an empty or broken JSON body', async () => {
    expect((await send('/link-tokens', 'POST', '')).status).toBe(400);
    expect((await send('/link-tokens', 'POST', '{"a":')).status).toBe(400);
  });
});

describe('NUL characters (issue 11, finding 3)', () => {
  it('are refused with 400 in query and path parameters before the database', async () => {
    await expectRefusal(
      await t.request('/unified/user-directory/users?integrated_account_id=a%00b'),
      400,
      /NUL/,
    );
    await expectRefusal(await t.request('/integrated-accounts/ia_%00'), 400, /NUL/);
    await expectRefusal(await t.request(`/proxy/esignature/users?integrated_account_id=%00`), 400, /NUL/);
  });

  it('are refused in metadata values and keys, override constants and return_url', async () => {
    const patch = (metadata: unknown) =>
      send(`/integrated-accounts/${ia}`, 'PATCH', JSON.stringify({ metadata }));
    await expectRefusal(await patch({ note: 'a\u0000b' }), 400, /NUL/);
    await expectRefusal(await patch({ 'k\u0000': 'v' }), 400, /NUL/);
    const override = JSON.stringify({ field: 'company', spec: { const: 'x\u0000' } });
    await expectRefusal(await send('/mapping-overrides/user-directory/users', 'PUT', override), 400, /NUL/);
    const link = JSON.stringify({ return_url: 'https://app.example/\u0000' });
    await expectRefusal(await send('/link-tokens', 'POST', link), 400, /NUL/);
  });

  it('leaves the stored connection unchanged', async () => {
    const res = await t.request(`/integrated-accounts/${ia}`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(await json(res))).not.toContain('\\u0000');
  });
});

describe('deeply nested JSON (issue 11, finding 4)', () => {
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it('is refused with 400 in metadata and override constants', async () => {
    await expectRefusal(
      await send(`/integrated-accounts/${ia}`, 'PATCH', `{"metadata":${deep(5000)}}`),
      400,
      /deeper/,
    );
    const override = `{"field":"company","spec":{"const":${deep(5000)}}}`;
    await expectRefusal(
      await send('/mapping-overrides/user-directory/users', 'PUT', override),
      400,
      /deeper/,
    );
  });

  it('accepts ordinary nesting', async () => {
    const res = await send(`/integrated-accounts/${ia}`, 'PATCH', `{"metadata":${deep(10)}}`);
    expect(res.status).toBe(200);
  });
});
