import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../../src/api-keys/api-keys';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';
import { json } from '../../helpers/http';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ apiKeyCacheTtlMs: 0 });
});
afterAll(() => t.close());

describe('API key authentication', () => {
  it('accepts a valid key', async () => {
    const res = await t.request('/meta');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ provider: 'docusign' });
  });

  it('rejects a request without Authorization with 401 in the error shape', async () => {
    const res = await t.app.request('/meta');
    expect(res.status).toBe(401);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(body.error.message).toMatch(/Authorization/);
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('rejects a key of the right shape that does not exist', async () => {
    const forged = t.apiKey.replace(/.$/, (ch) => (ch === 'a' ? 'b' : 'a'));
    const res = await t.app.request('/meta', { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect((await json(res)).error.message).toBe('Invalid or revoked API key');
  });

  it('rejects a malformed Authorization header', async () => {
    const res = await t.app.request('/meta', { headers: { authorization: `Basic ${t.apiKey}` } });
    expect(res.status).toBe(401);
    expect((await json(res)).error.message).toMatch(/Bearer/);
  });

  it('rejects a revoked key', async () => {
    const { key, id } = await createApiKey(t.db, { environmentId: t.environmentId, name: 'to revoke' });
    const before = await t.app.request('/meta', { headers: { authorization: `Bearer ${key}` } });
    expect(before.status).toBe(200);
    expect(await revokeApiKey(t.db, id, new Date())).toBe(true);
    const after = await t.app.request('/meta', { headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(401);
  });

  it('leaves /health, /openapi.json and /docs public', async () => {
    for (const path of ['/health', '/openapi.json', '/docs']) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(200);
    }
  });

  it('never stores the key itself', async () => {
    const rows = await t.db.query.apiKeys.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(t.apiKey);
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
