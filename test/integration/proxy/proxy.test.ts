import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let all: string;
let readOnly: string;
beforeAll(async () => {
  t = await createConnectedApp();
  all = await t.connect({ allAccounts: true });
  readOnly = await t.connect({ permission: 'read' });
});
afterAll(() => t.close());

const [firstAccount, secondAccount] = [0, 1];

describe('/proxy/esignature', () => {
  it('forwards a GET 1:1 with the token injected, passing DocuSign status, body and rate-limit headers', async () => {
    const res = await t.request(`/proxy/esignature/users?count=5&integrated_account_id=${all}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.users).toHaveLength(5);
    expect(body.resultSetSize).toBe('5');
    expect(res.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/);
    expect(res.headers.get('x-burstlimit-remaining')).toMatch(/^\d+$/);
    // The gateway's own headers are added to DocuSign's.
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
    const logged = t.sim.log.entries.at(-1)!;
    expect(logged.path).toBe(`/restapi/v2.1/accounts/${t.sim.defaults.accountIds[firstAccount]}/users`);
    expect(logged.query).toMatchObject({ count: '5' });
    expect(logged.query).not.toHaveProperty('integrated_account_id');
  });

  it('picks one DocuSign account of a sync-all connection with account_id', async () => {
    const accountId = t.sim.defaults.accountIds[secondAccount]!;
    const res = await t.request(`/proxy/esignature/users?count=1&account_id=${accountId}`, {
      headers: { 'x-integrated-account-id': all },
    });
    expect(res.status).toBe(200);
    expect(t.sim.log.entries.at(-1)!.path).toBe(`/restapi/v2.1/accounts/${accountId}/users`);
  });

  it('rejects an account the connection does not cover', async () => {
    const res = await t.request(`/proxy/esignature/users?account_id=not-mine&integrated_account_id=${all}`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toContain('not covered');
  });

  it("passes DocuSign's 4xx through unchanged", async () => {
    const res = await t.request(
      `/proxy/esignature/users/00000000-0000-0000-0000-000000000000?integrated_account_id=${all}`,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = await json(res);
    expect(typeof body.errorCode).toBe('string');
  });

  it('never forwards the caller Authorization header', async () => {
    await t.request(`/proxy/esignature/users?count=1&integrated_account_id=${all}`);
    const lastUpstream = t.sim.log.entries.at(-1)!;
    expect(lastUpstream.status).toBe(200);
    expect(JSON.stringify(t.sim.log.entries)).not.toContain(t.apiKey);
  });

  it('streams a PDF download', async () => {
    const list = await json(
      await t.request(
        `/proxy/esignature/envelopes?from_date=2000-01-01&status=completed&count=1&integrated_account_id=${all}`,
      ),
    );
    const envelopeId = list.envelopes[0].envelopeId;
    const res = await t.request(
      `/proxy/esignature/envelopes/${envelopeId}/documents/combined?integrated_account_id=${all}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
  });

  it('requires read_write for writes and lets reads through on a read connection', async () => {
    const read = await t.request(`/proxy/esignature/users?count=1&integrated_account_id=${readOnly}`);
    expect(read.status).toBe(200);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await t.request(`/proxy/esignature/users?integrated_account_id=${readOnly}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ newUsers: [] }),
      });
      expect(res.status, method).toBe(403);
      expect((await json(res)).error.code).toBe('forbidden');
    }
  });

  it('forwards a write body on a read_write connection', async () => {
    const email = `proxy-${Date.now()}@example.com`;
    const res = await t.request(`/proxy/esignature/users?integrated_account_id=${all}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ newUsers: [{ userName: 'Proxy Person', email }] }),
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.newUsers[0].email).toBe(email);
  });
});

/** A request body of unknown length (no content-length), sent in `chunks` pieces. */
function chunkedBody(text: string, chunks = 4): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const size = Math.ceil(bytes.length / chunks);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

describe('/proxy request bodies', () => {
  it('streams a body of unknown length to DocuSign', async () => {
    const email = `chunked-${Date.now()}@example.com`;
    const res = await t.app.request(
      new Request(`http://gateway.test/proxy/esignature/users?integrated_account_id=${all}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.apiKey}` },
        body: chunkedBody(JSON.stringify({ newUsers: [{ userName: 'Chunked Person', email }] })),
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(201);
    expect((await json(res)).newUsers[0].email).toBe(email);
  });

  it('refuses with 413 a body of unknown length once it passes the limit, without buffering it first', async () => {
    const small = await createConnectedApp({ app: { config: { bodyLimitBytes: 4000 } } });
    try {
      const id = await small.connect();
      const before = small.sim.log.entries.length;
      const res = await small.app.request(
        new Request(`http://gateway.test/proxy/esignature/users?integrated_account_id=${id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${small.apiKey}` },
          body: chunkedBody(
            JSON.stringify({ newUsers: [{ userName: 'x'.repeat(20_000), email: 'a@b.c' }] }),
            10,
          ),
          duplex: 'half',
        } as RequestInit),
      );
      expect(res.status).toBe(413);
      const body = await json(res);
      expect(body.error.code).toBe('payload_too_large');
      expect(body.error.message).toContain('4000 bytes');
      // No user was created from a truncated body.
      expect(small.sim.log.entries.slice(before).filter((e) => e.status === 201)).toHaveLength(0);
    } finally {
      await small.close();
    }
  });

  it('refuses with 413 a declared length over the limit before calling DocuSign', async () => {
    const small = await createConnectedApp({ app: { config: { bodyLimitBytes: 4000 } } });
    try {
      const id = await small.connect();
      const before = small.sim.log.entries.length;
      const res = await small.request(`/proxy/esignature/users?integrated_account_id=${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '20000' },
        body: 'x'.repeat(20_000),
      });
      expect(res.status).toBe(413);
      expect(small.sim.log.entries.length).toBe(before);
    } finally {
      await small.close();
    }
  });
});

describe('/proxy/admin', () => {
  it('forwards to the Admin API base and keeps account_id as a DocuSign filter', async () => {
    const orgId = t.sim.defaults.organizationId;
    const accountId = t.sim.defaults.accountIds[firstAccount];
    const res = await t.request(
      `/proxy/admin/v2/organizations/${orgId}/users?account_id=${accountId}&take=3&integrated_account_id=${all}`,
    );
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.users.length).toBeLessThanOrEqual(3);
    expect(t.sim.log.entries.at(-1)!.query).toMatchObject({ account_id: accountId, take: '3' });
  });
});

describe('proxy safety', () => {
  const probes = [
    '..%2f..%2fadmin',
    '%252e%252e%252f',
    'users%2f..%2f..',
    'users\\..\\..\\x',
    '%5c%5cevil.example',
    '@evil.example/users',
    'users@evil.example',
    'http:%2f%2fevil.example',
    'https://evil.example/users',
    '%2F%2Fevil.example',
    'users%00',
    'users%0d%0aHost:%20evil.example',
    'users#fragment',
    'users%2F..%2F..%2Fmanagement',
    '%2e%2e%5cmanagement',
  ];
  it.each(probes)('refuses %s with 400 and sends nothing upstream', async (probe) => {
    const before = t.sim.log.entries.length;
    const res = await t.request(`/proxy/esignature/${probe}?integrated_account_id=${all}`);
    expect(res.status).toBe(400);
    expect(t.sim.log.entries.length).toBe(before);
  });

  // Dot segments (plain or %2e-encoded) are resolved by the URL parser before routing: they leave /proxy entirely.
  it.each(['%2e%2e/%2e%2e/oauth/token', 'users/%2e%2e/%2e%2e/%2e%2e/x', '../../oauth/token'])(
    'resolves %s out of /proxy (404) and sends nothing upstream',
    async (probe) => {
      const before = t.sim.log.entries.length;
      const res = await t.request(`/proxy/esignature/${probe}?integrated_account_id=${all}`);
      expect(res.status).toBe(404);
      expect(t.sim.log.entries.length).toBe(before);
    },
  );

  it('refuses an unknown API name', async () => {
    const res = await t.request(`/proxy/oauth/token?integrated_account_id=${all}`);
    expect(res.status).toBe(400);
  });

  it('needs an integrated account, and one of this environment', async () => {
    expect((await t.request('/proxy/esignature/users')).status).toBe(400);
    expect((await t.request('/proxy/esignature/users?integrated_account_id=ia_nope')).status).toBe(404);
  });
});
