import { Hono } from 'hono';
import { proxy } from 'hono/proxy';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../../src/http/context';
import { createErrorHandler } from '../../../src/http/error-handler';
import { createJsonLogger } from '../../../src/http/logger';
import { createDocusignSimulator } from '../../../src/sandbox/docusign';
import { createUpstreamClient } from '../../../src/upstream/client';
import { type ProxyApi, resolveProxyTarget } from '../../../src/upstream/proxy-target';
import { replayableBody } from '../../../src/upstream/replayable-body';

/**
 * The passthrough proxy as the gateway is meant to wire it: resolveProxyTarget → hono/proxy (hop-by-hop
 * headers, encodings) → the upstream client (token, retries, budget). A stand-in app, not src/app.ts.
 */
function setup(options: { staleToken?: boolean } = {}) {
  const sim = createDocusignSimulator({
    seed: 11,
    scale: { users: 10, envelopes: 4, templates: 1, groups: 1 },
  });
  const accountId = sim.defaults.accountIds[0]!;
  let token = options.staleToken ? 'stale' : sim.issueTokens().access_token;
  const client = createUpstreamClient({
    fetch: sim.fetch,
    tokens: {
      async getAccessToken(_id, o) {
        if (o?.forceRefresh) token = sim.issueTokens().access_token;
        return token;
      },
    },
    sleep: async () => {},
  });
  const app = new Hono<GatewayEnv>();
  app.onError(createErrorHandler(createJsonLogger('silent')));
  app.all('/proxy/:api/*', async (c) => {
    const api = c.req.param('api') as ProxyApi;
    const url = new URL(c.req.url);
    const target = resolveProxyTarget({
      api,
      rawPath: url.pathname.slice(`/proxy/${api}/`.length),
      search: url.search,
      baseUri: sim.origin,
      accountId,
      adminBase: `${sim.origin}/management`,
    });
    const body = await replayableBody(c.req.raw);
    return proxy(target, {
      method: c.req.method,
      headers: c.req.raw.headers,
      customFetch: (req) =>
        client.request({
          integratedAccountId: 'ia_1',
          budgetKey: accountId,
          url: req.url,
          method: req.method,
          headers: req.headers,
          body,
          signal: c.req.raw.signal,
        }),
    });
  });
  const esign = sim.account(accountId)!;
  return { app, sim, accountId, esign };
}

describe('/proxy wiring over the upstream client', () => {
  it('forwards a GET with its query and returns DocuSign’s body', async () => {
    const { app, sim } = setup();
    const res = await app.request('/proxy/esignature/users?count=3', {
      headers: { authorization: 'Bearer gw_live_secret_api_key', cookie: 'session=1' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { users: unknown[] };
    expect(body.users).toHaveLength(3);
    const entries = sim.log.entries.filter((e) => e.api === 'esignature');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.query).toEqual({ count: '3' });
  });

  it('passes DocuSign’s own 4xx through untouched', async () => {
    const { app } = setup();
    const res = await app.request('/proxy/esignature/envelopes/00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errorCode?: string; error?: unknown };
    expect(typeof body.errorCode).toBe('string');
    expect(body.error).toBeUndefined();
  });

  it('refuses a path that tries to leave the account prefix', async () => {
    const { app, sim } = setup();
    const res = await app.request('/proxy/esignature/users%2f..%2f..%2fother');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect(sim.log.entries).toHaveLength(0);
  });

  it('replays a small POST body after the forced token refresh', async () => {
    const { app, sim } = setup({ staleToken: true });
    const payload = JSON.stringify({ emailSubject: 'Proxy draft', status: 'created' });
    const res = await app.request('/proxy/esignature/envelopes', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
      body: payload,
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { envelopeId?: string }).envelopeId).toBeTruthy();
    expect(sim.log.entries.filter((e) => e.api === 'esignature').map((e) => e.status)).toEqual([401, 201]);
  });

  it('answers upstream_unavailable (503) when DocuSign keeps failing', async () => {
    const { app, sim } = setup();
    sim.faults.set({ errorRate: 1, errorStatus: 503 });
    const res = await app.request('/proxy/esignature/users');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
  });

  it('streams a document download', async () => {
    const { app, esign } = setup();
    const envelope = [...esign.envelopesById.values()].find((e) => e.documents.length > 0)!;
    const res = await app.request(
      `/proxy/esignature/envelopes/${envelope.envelopeId}/documents/${envelope.documents[0]!.documentId}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe('%PDF');
  });

  it('reaches the Admin API under its own base', async () => {
    const { app, sim } = setup();
    const res = await app.request('/proxy/admin/v2/organizations');
    expect(res.status).toBe(200);
    expect(sim.log.entries.at(-1)?.api).toBe('admin');
  });
});
