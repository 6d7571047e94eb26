import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/api-keys/api-keys';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';
import { json } from '../../helpers/http';

let t: TestApp;
let clock = 1_800_000_000_000;
beforeAll(async () => {
  t = await createTestApp({ config: { rateLimit: { requests: 3, windowSeconds: 10 } }, now: () => clock });
});
afterAll(() => t.close());

describe('per-API-key rate limit', () => {
  it('answers 429 rate_limited with retry-after past the limit, per key, and recovers after the window', async () => {
    for (let i = 0; i < 3; i++) expect((await t.request('/meta')).status).toBe(200);
    const limited = await t.request('/meta');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(limited)).error.code).toBe('rate_limited');

    const { key } = await createApiKey(t.db, { environmentId: t.environmentId, name: 'other' });
    const other = await t.app.request('/meta', { headers: { authorization: `Bearer ${key}` } });
    expect(other.status).toBe(200);

    clock += 25_000;
    expect((await t.request('/meta')).status).toBe(200);
  });

  it('does not count public routes', async () => {
    for (let i = 0; i < 10; i++) expect((await t.app.request('/health')).status).toBe(200);
  });
});
