import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../../src/http/context';
import { createErrorHandler } from '../../../src/http/error-handler';
import { requestId } from '../../../src/http/middleware/request-id';
import { createOverridesStore } from '../../../src/mapping/overrides-store';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { createMemoryLogger } from '../../helpers/create-test-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
beforeAll(async () => {
  t = await createConnectedApp();
});
afterAll(() => t.close());

const OVERRIDES = '/mapping-overrides/user-directory/users';
const put = (body: unknown) =>
  t.request(OVERRIDES, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('mapping-override field names (issue 11, finding 6)', () => {
  it('refuses names over 128 characters with 400', async () => {
    const res = await put({ field: 'a'.repeat(100_000), spec: { const: 1 } });
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/at most 128/);
    expect((await put({ field: 'a'.repeat(128), spec: { const: 1 } })).status).toBe(200);
  });

  it.each(['constructor', 'prototype', '__proto__', 'emails.__proto__'])(
    'refuses %s as an output key',
    async (field) => {
      const res = await put({ field, spec: { const: 'x' } });
      expect(res.status).toBe(400);
      expect((await json(res)).error.message).toMatch(/__proto__, prototype and constructor/);
    },
  );

  it('refuses prototype keys inside a nested field map and as a method name', async () => {
    const nested = await put({ field: 'extra', spec: { path: 'x', object: { constructor: { path: 'y' } } } });
    expect(nested.status).toBe(400);
    expect((await put({ field: 'x', method: '__proto__', spec: { const: 1 } })).status).toBe(400);
  });

  it('deletes an over-long name stored before the limit, named in the body', async () => {
    const field = 'b'.repeat(100_000);
    await createOverridesStore(t.db).put({
      environmentId: t.environmentId,
      integratedAccountId: '',
      model: 'user-directory',
      resource: 'users',
      field,
      method: '',
      spec: { const: 1 },
      now: new Date(),
    });
    const res = await t.request(OVERRIDES, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ field }),
    });
    expect(res.status).toBe(200);
    expect((await json(res)).deleted).toBe(true);
    const list = await json(await t.request(OVERRIDES));
    expect(list.result.map((row: { field: string }) => row.field)).not.toContain(field);
  });

  it('answers 400 when DELETE names no field', async () => {
    const res = await t.request(OVERRIDES, { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/Name the field/);
  });
});

describe('return_url (issue 11, finding 7)', () => {
  const link = (return_url: string) =>
    t.request('/link-tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ return_url }),
    });

  it.each([
    'http://app.example/done',
    'http://10.0.0.1/done',
    'https://user:pw@app.example/',
    'ftp://app.example/',
  ])('refuses %s with 400', async (url) => {
    const res = await link(url);
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/return_url/);
  });

  it.each([
    'https://app.example/done',
    'http://localhost:3000/done',
    'http://127.0.0.1/x',
    'http://[::1]:8080/x',
  ])('accepts %s', async (url) => {
    expect((await link(url)).status).toBe(201);
  });
});

describe('error logs (issue 11, finding 7)', () => {
  it('carry the SQL error code and message, not the statement parameters', async () => {
    const logger = createMemoryLogger();
    const app = new Hono<GatewayEnv>();
    app.onError(createErrorHandler(logger));
    app.use('*', requestId);
    app.get('/boom', async () => {
      await t.db.execute(
        sql`select ${'secret-metadata\u0000'}::text as v, ${'https://private.example/x'}::int`,
      );
      return new Response('unreachable');
    });
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    const line = logger.lines.find((l) => l.includes('unhandled error'));
    expect(line).toBeDefined();
    expect(line).not.toContain('secret-metadata');
    expect(line).not.toContain('private.example');
    const entry = JSON.parse(line!);
    expect(entry.error).toBe('database query failed');
    expect(typeof entry.db_message).toBe('string');
    expect(entry.db_code).toMatch(/^[0-9A-Z]{5}$/);
  });
});
