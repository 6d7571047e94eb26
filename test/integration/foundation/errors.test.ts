import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponses } from '../../../src/http/openapi';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';
import { json } from '../../helpers/http';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { bodyLimitBytes: 1024 } });
  // Routes defined the way every gateway route is, to exercise validation and the error handler.
  t.app.openapi(
    createRoute({
      method: 'post',
      path: '/test/echo',
      request: {
        query: z.object({ limit: z.coerce.number().int().min(1).max(500) }),
        body: { content: { 'application/json': { schema: z.object({ name: z.string().min(1) }) } } },
      },
      responses: { 200: { description: 'ok' }, ...errorResponses(400) },
    }),
    (c) => c.json({ ok: true, name: c.req.valid('json').name }, 200),
  );
  t.app.get('/test/boom', () => {
    throw new Error('database password is hunter2');
  });
});
afterAll(() => t.close());

function expectErrorShape(body: { error: Record<string, unknown> }, code: string, status: number) {
  expect(body.error).toMatchObject({ code, status });
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.request_id).toBe('string');
}

describe('error shape', () => {
  it('400 invalid_request names the failing fields with their paths', async () => {
    const res = await t.request('/test/echo?limit=900', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expectErrorShape(body, 'invalid_request', 400);
    expect(body.error.message).toContain('limit');
    expect(body.error.details[0].path).toEqual(['limit']);
  });

  it('400 for a body field, with the nested path', async () => {
    const res = await t.request('/test/echo?limit=5', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '' }),
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.details[0].path).toEqual(['name']);
  });

  it('passes valid input through', async () => {
    const res = await t.request('/test/echo?limit=5', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ok' }),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, name: 'ok' });
  });

  it('401 unauthorized', async () => {
    const res = await t.app.request('/meta');
    expectErrorShape(await json(res), 'unauthorized', 401);
  });

  it('404 for unknown routes', async () => {
    const res = await t.request('/no/such/route');
    expect(res.status).toBe(404);
    const body = await json(res);
    expectErrorShape(body, 'not_found', 404);
    expect(body.error.message).toContain('/no/such/route');
  });

  it('413 when the body is over the limit', async () => {
    const res = await t.request('/test/echo?limit=5', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expectErrorShape(await json(res), 'payload_too_large', 413);
  });

  it('500 internal hides the cause from the client but logs it with the request id', async () => {
    const res = await t.request('/test/boom');
    expect(res.status).toBe(500);
    const body = await json(res);
    expectErrorShape(body, 'internal', 500);
    expect(JSON.stringify(body)).not.toContain('hunter2');
    const logged = t.logger.lines.find((line) => line.includes('unhandled error'));
    expect(logged).toContain(body.error.request_id);
  });
});

describe('request id', () => {
  it('accepts a well-formed x-request-id from the client and echoes it', async () => {
    const res = await t.request('/meta', { headers: { 'x-request-id': 'client-req-12345' } });
    expect(res.headers.get('x-request-id')).toBe('client-req-12345');
  });

  it('replaces a malformed x-request-id with a generated one', async () => {
    const res = await t.request('/nope', { headers: { 'x-request-id': 'bad id\twith<chars>' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect((await json(res)).error.request_id).toBe(id);
  });

  it('logs one line per request with method, path, status, duration and request id, without secrets', async () => {
    await t.request('/meta', { headers: { 'x-request-id': 'log-check-0001' } });
    const line = t.logger.lines.find((l) => l.includes('log-check-0001'));
    expect(line).toBeDefined();
    const entry = JSON.parse(line!);
    expect(entry).toMatchObject({ msg: 'request', method: 'GET', path: '/meta', status: 200 });
    expect(typeof entry.duration_ms).toBe('number');
    expect(t.logger.lines.join('\n')).not.toContain(t.apiKey);
  });
});
