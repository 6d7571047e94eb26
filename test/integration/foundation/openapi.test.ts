import { readFile } from 'node:fs/promises';
import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app';
import { renderOpenApiYaml } from '../../../src/openapi-yaml';
import { createMemoryLogger, createTestApp, TEST_SECRETS, type TestApp } from '../../helpers/create-test-app';
import { json } from '../../helpers/http';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('OpenAPI', () => {
  it('the committed openapi.yaml matches what the code generates (run `npm run openapi` after changing routes)', async () => {
    const committed = await readFile(new URL('../../../openapi.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(await renderOpenApiYaml());
  });

  it('serves an OpenAPI 3.1 document with the bearer scheme and named components', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ErrorResponse', 'Health', 'Meta']),
    );
    expect(doc.paths['/health'].get.security).toEqual([]);
  });

  it('names no schema after a JavaScript global (the error body is ErrorResponse)', async () => {
    const doc = await json(await t.app.request('/openapi.json'));
    expect(doc.components.schemas.Error).toBeUndefined();
    expect(doc.paths['/meta'].get.responses['401'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorResponse',
    });
  });

  it('gives every operation a unique, readable operationId', async () => {
    const doc = await json(await t.app.request('/openapi.json'));
    const ids: string[] = [];
    for (const [path, item] of Object.entries<Record<string, { operationId?: string }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.operationId, `${method.toUpperCase()} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        ids.push(operation.operationId!);
      }
    }
    expect(ids.length).toBeGreaterThan(80);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'listUsers',
        'getUser',
        'createUser',
        'closeUser',
        'listSigningRequests',
        'getSigningRequest',
        'createSigningRequest',
        'voidSigningRequest',
        'downloadSigningRequest',
        'listSigningRequestStatuses',
        'listESignatureUsers',
        'proxyGet',
      ]),
    );
  });

  it("names PUBLIC_URL as its server; the committed file names npm start's default address", async () => {
    const app = createApp({
      db: t.db,
      logger: createMemoryLogger(),
      secrets: TEST_SECRETS,
      config: { publicUrl: 'https://gateway.example.com', bodyLimitBytes: 1024 },
    });
    const doc = await json(await app.request('/openapi.json'));
    expect(doc.servers).toEqual([{ url: 'https://gateway.example.com', description: expect.any(String) }]);
    expect(await renderOpenApiYaml()).toContain('  - url: http://localhost:8080\n');
  });

  it('documents Idempotency-Key (with the format the middleware accepts) and 409 on every unified write', async () => {
    const doc = await json(await t.app.request('/openapi.json'));
    let writes = 0;
    for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
      if (!path.startsWith('/unified/')) continue;
      for (const method of ['post', 'put', 'patch', 'delete']) {
        const operation = item[method] as
          | { parameters?: { name: string; in: string; schema: { pattern?: string } }[]; responses: object }
          | undefined;
        if (!operation) continue;
        writes++;
        const header = operation.parameters?.find((p) => p.in === 'header' && p.name === 'idempotency-key');
        expect(header?.schema.pattern, `${method} ${path}`).toBe('^[A-Za-z0-9._:-]{1,255}$');
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('409');
      }
    }
    expect(writes).toBeGreaterThan(15);
  });

  it('renders the API reference at /docs', async () => {
    const res = await t.app.request('/docs');
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('/openapi.json');
  });
});

describe('GET /meta', () => {
  it('lists unified resources from the route registry, not a hand-written list', async () => {
    const app = createApp({
      db: t.db,
      logger: createMemoryLogger(),
      secrets: TEST_SECRETS,
      config: { publicUrl: 'http://x', bodyLimitBytes: 1024 },
    });
    const ok = { 200: { description: 'ok' } };
    app.openapi(createRoute({ method: 'get', path: '/unified/test-model/widgets', responses: ok }), (c) =>
      c.json({}),
    );
    app.openapi(
      createRoute({
        method: 'post',
        path: '/unified/test-model/widgets/{id}/polish',
        request: { params: z.object({ id: z.string() }) },
        responses: ok,
      }),
      (c) => c.json({}),
    );
    const after = await json(await app.request('/meta', { headers: t.authHeaders }));
    const model = after.models.find((m: { name: string }) => m.name === 'test-model');
    expect(model.resources).toEqual([{ name: 'widgets', methods: ['list', 'polish'] }]);
    const plain = await json(await t.request('/meta'));
    expect(plain.models.find((m: { name: string }) => m.name === 'test-model')).toBeUndefined();
  });
});

describe('GET /health', () => {
  it('reports the database as reachable', async () => {
    const res = await t.app.request('/health');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ok', database: { reachable: true } });
  });
});
