import { createHmac } from 'node:crypto';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocusignSimulator, type DocusignSimulator } from '../../src/sandbox/docusign';
import { docusignHandlers, startSimulatorServer } from '../helpers/docusign';

const SMALL = { users: 12, envelopes: 20, templates: 3, groups: 2 };

function client(sim: DocusignSimulator) {
  const { access_token } = sim.issueTokens();
  const account = sim.defaults.accountIds[0]!;
  return (path: string, init: RequestInit = {}) =>
    sim.fetch(`${sim.origin}/restapi/v2.1/accounts/${account}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${access_token}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
}

describe('rate limits', () => {
  it('answers 429 HOURLY_APINVOCATION_LIMIT_EXCEEDED with rate-limit headers once the hourly quota is spent', async () => {
    let now = Date.parse('2026-06-01T12:10:00Z');
    const sim = createDocusignSimulator({
      now: () => now,
      scale: SMALL,
      rateLimits: { hourly: 3, burst: 100 },
    });
    const get = client(sim);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await get('/users?count=1');
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await get('/users?count=1');
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { errorCode: string }).errorCode).toBe(
      'HOURLY_APINVOCATION_LIMIT_EXCEEDED',
    );
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Date.parse('2026-06-01T13:00:00Z') / 1000);
    expect(limited.headers.get('x-burstlimit-limit')).toBe('100');
    now = Date.parse('2026-06-01T13:00:01Z');
    expect((await get('/users?count=1')).status).toBe(200);
  });

  it('enforces the burst limit per window', async () => {
    let now = Date.parse('2026-06-01T12:00:00Z');
    const sim = createDocusignSimulator({
      now: () => now,
      scale: SMALL,
      rateLimits: { burst: 2, burstWindowSeconds: 30 },
    });
    const get = client(sim);
    expect((await get('')).headers.get('x-burstlimit-remaining')).toBe('1');
    expect((await get('')).status).toBe(200);
    const limited = await get('');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-burstlimit-remaining')).toBe('0');
    now += 30_000;
    expect((await get('')).status).toBe(200);
  });
});

describe('fault injection', () => {
  it('injects 5xx, 429 storms with Retry-After, resets and clears them through the control API', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const get = client(sim);
    const faults = (method: string, body?: unknown) =>
      sim.fetch(`${sim.origin}/__sandbox/faults`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect(
      (await faults('PUT', { rules: [{ path: '/restapi', errorRate: 1, errorStatus: 502 }] })).status,
    ).toBe(200);
    expect((await get('/users')).status).toBe(502);
    const users = `/restapi/v2.1/accounts/${sim.defaults.accountIds[0]}/users`;
    await faults('PUT', { rules: [{ path: users, rateLimitStorm: { count: 2, retryAfterSeconds: 7 } }] });
    const storm = await get('/users');
    expect(storm.status).toBe(429);
    expect(storm.headers.get('retry-after')).toBe('7');
    expect(storm.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await get('/users')).status).toBe(429);
    expect((await get('/users')).status).toBe(200);
    await faults('PUT', { rules: [{ resetRate: 1 }] });
    const error = await get('/users').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(((error as TypeError).cause as { code: string }).code).toBe('ECONNRESET');
    expect((await faults('DELETE')).status).toBe(200);
    expect((await get('/users')).status).toBe(200);
    expect(sim.log.count({ fault: 'rate_limit_storm' })).toBe(2);
    expect(sim.log.count({ fault: 'error', status: 502 })).toBe(1);
    expect(sim.log.count({ fault: 'reset', status: 0 })).toBe(1);
  });

  it('adds latency and streams slow bodies without changing them', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const get = client(sim);
    const plain = await (await get('/users?count=3')).text();
    sim.faults.set({ latencyMs: [1, 3], slowBody: { bytesPerChunk: 64, delayMs: 1 } });
    const slow = await (await get('/users?count=3')).text();
    expect(JSON.parse(slow).users).toEqual(JSON.parse(plain).users);
    expect(sim.log.entries.at(-1)?.fault).toBe('slow_body');
  });
});

describe('request log', () => {
  it('records method, path, query, status and account', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    await client(sim)('/users?count=2');
    const entry = sim.log.entries.at(-1)!;
    expect(entry).toMatchObject({
      method: 'GET',
      path: `/restapi/v2.1/accounts/${sim.defaults.accountIds[0]}/users`,
      query: { count: '2' },
      status: 200,
      api: 'esignature',
      accountId: sim.defaults.accountIds[0],
    });
    expect(sim.log.count({ pathPrefix: '/restapi/', method: 'get' })).toBe(1);
    sim.log.clear();
    expect(sim.log.count()).toBe(0);
  });
});

describe('seeding', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const clock = () => Date.parse('2026-06-01T00:00:00Z');
    const a = createDocusignSimulator({ seed: 42, now: clock, scale: SMALL });
    const b = createDocusignSimulator({ seed: 42, now: clock, scale: SMALL });
    const c = createDocusignSimulator({ seed: 43, now: clock, scale: SMALL });
    const snapshot = (s: DocusignSimulator) => {
      const account = s.account(s.defaults.accountIds[0]!)!;
      return JSON.stringify({
        defaults: s.defaults,
        users: account.members.map((m) => [m.userId, m.status, s.state.users.get(m.userId)!.email]),
        envelopes: account.envelopes.map((e) => [e.envelopeId, e.status, e.createdMs, e.recipients.length]),
        templates: account.templates.map((t) => t.templateId),
      });
    };
    expect(snapshot(a)).toBe(snapshot(b));
    expect(snapshot(a)).not.toBe(snapshot(c));
  });

  it('puts the default user in two accounts of one organization', () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    expect(sim.defaults.accountIds).toHaveLength(2);
    for (const id of sim.defaults.accountIds)
      expect(sim.account(id)!.membersById.get(sim.defaults.userId)?.isAdmin).toBe(true);
    expect(sim.state.organization.accountIds).toEqual(sim.defaults.accountIds);
  });
});

describe('Connect', () => {
  it('delivers HMAC-signed JSON events when an envelope is sent and completed, retrying failed deliveries', async () => {
    const received: { body: string; signature: string | null }[] = [];
    // The first delivery of the sent event fails (deliveries run concurrently, so fail by event, not by order).
    let sentFailed = false;
    const sim = createDocusignSimulator({
      scale: SMALL,
      connect: {
        hmacKeys: ['test-hmac-key'],
        retry: { attempts: 3, baseDelayMs: 1 },
        fetch: async (req) => {
          const body = await req.text();
          received.push({ body, signature: req.headers.get('x-docusign-signature-1') });
          if (!sentFailed && (JSON.parse(body) as { event: string }).event === 'envelope-sent') {
            sentFailed = true;
            return new Response('busy', { status: 503 });
          }
          return new Response('ok');
        },
      },
    });
    const api = client(sim);
    const config = await api('/connect', {
      method: 'POST',
      body: JSON.stringify({
        urlToPublishTo: 'https://hooks.example/docusign',
        allUsers: 'true',
        includeHMAC: 'true',
        events: ['envelope-sent', 'envelope-completed', 'envelope-voided'],
      }),
    });
    expect(config.status).toBe(201);
    const created = await api('/envelopes', {
      method: 'POST',
      body: JSON.stringify({
        emailSubject: 'Connect test',
        status: 'sent',
        documents: [{ documentId: '1', name: 'a.pdf', documentBase64: btoa('%PDF-1.4\n%%EOF') }],
        recipients: { signers: [{ recipientId: '1', name: 'A', email: 'a@example.org' }] },
      }),
    });
    const { envelopeId } = (await created.json()) as { envelopeId: string };
    // The signer signs "from the email", through the control API.
    const signed = await sim.fetch(`${sim.origin}/__sandbox/envelopes/${envelopeId}/recipients/1/sign`, {
      method: 'POST',
    });
    expect(signed.status).toBe(200);
    await sim.connect.flush();

    const events = received.map(
      (r) => JSON.parse(r.body) as { event: string; retryCount: number; data: { envelopeId: string } },
    );
    // Deliveries run concurrently; the retry of the first may arrive after the second event.
    expect(events.map((e) => `${e.event}#${e.retryCount}`).sort()).toEqual([
      'envelope-completed#0',
      'envelope-sent#0',
      'envelope-sent#1',
    ]);
    for (const r of received) {
      expect(r.signature).toBe(createHmac('sha256', 'test-hmac-key').update(r.body).digest('base64'));
    }
    for (const e of events) expect(e.data.envelopeId).toBe(envelopeId);
    const log = (await (await sim.fetch(`${sim.origin}/__sandbox/connect/deliveries`)).json()) as {
      deliveries: { event: string; state: string; attempts: number }[];
    };
    expect(log.deliveries.map((d) => [d.event, d.state, d.attempts])).toEqual([
      ['envelope-sent', 'delivered', 2],
      ['envelope-completed', 'delivered', 1],
    ]);
    const envelope = (await (await api(`/envelopes/${envelopeId}?include=recipients`)).json()) as {
      status: string;
      recipients: { signers: { status: string }[] };
    };
    expect(envelope.status).toBe('completed');
    expect(envelope.recipients.signers[0]?.status).toBe('completed');
  });

  it('publishes envelope-voided for legacy envelopeEvents configurations, unsigned without includeHMAC', async () => {
    const received: { event: string; signature: string | null }[] = [];
    const sim = createDocusignSimulator({
      scale: SMALL,
      connect: {
        fetch: async (req) => {
          const body = (await req.json()) as { event: string };
          received.push({ event: body.event, signature: req.headers.get('x-docusign-signature-1') });
          return new Response('ok');
        },
      },
    });
    const api = client(sim);
    await api('/connect', {
      method: 'POST',
      body: JSON.stringify({
        urlToPublishTo: 'https://hooks.example/legacy',
        allUsers: 'true',
        envelopeEvents: ['Voided'],
      }),
    });
    const created = await api('/envelopes', {
      method: 'POST',
      body: JSON.stringify({
        emailSubject: 'Void me',
        status: 'sent',
        documents: [{ documentId: '1', name: 'a.pdf' }],
        recipients: { signers: [{ recipientId: '1', name: 'A', email: 'a@example.org' }] },
      }),
    });
    const { envelopeId } = (await created.json()) as { envelopeId: string };
    await api(`/envelopes/${envelopeId}`, {
      method: 'PUT',
      body: JSON.stringify({ status: 'voided', voidedReason: 'test' }),
    });
    await sim.connect.flush();
    expect(received).toEqual([{ event: 'envelope-voided', signature: null }]);
  });
});

describe('transfer rules', () => {
  it('hands envelopes of the from-user to the to-user when they are sent, with a CC to the original owner', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const api = client(sim);
    const account = sim.account(sim.defaults.accountIds[0]!)!;
    const target = account.members.find((m) => m.status === 'Active' && !m.isAdmin)!.userId;
    await api('/envelopes/transfer_rules', {
      method: 'POST',
      body: JSON.stringify({
        eventType: 'sent',
        fromUsers: [{ userId: sim.defaults.userId }],
        toUser: { userId: target },
        carbonCopyOriginalOwner: 'true',
      }),
    });
    const created = await api('/envelopes', {
      method: 'POST',
      body: JSON.stringify({
        emailSubject: 'Transfer me',
        status: 'sent',
        documents: [{ documentId: '1', name: 'a.pdf' }],
        recipients: { signers: [{ recipientId: '1', name: 'A', email: 'a@example.org' }] },
      }),
    });
    const { envelopeId } = (await created.json()) as { envelopeId: string };
    const envelope = account.envelopesById.get(envelopeId)!;
    expect(envelope.ownerUserId).toBe(target);
    expect(
      envelope.recipients.some((r) => r.type === 'carboncopy' && r.email === sim.defaults.userEmail),
    ).toBe(true);
  });
});

describe('envelope list scope', () => {
  it('lists the caller’s envelopes (sent or received) unless user_id names another sender', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const account = sim.account(sim.defaults.accountIds[0]!)!;
    const auth = { authorization: `Bearer ${sim.issueTokens().access_token}` };
    const list = async (query: string) => {
      const res = await sim.fetch(
        `${sim.origin}/restapi/v2.1/accounts/${account.accountId}/envelopes?from_date=2000-01-01&count=1000${query}`,
        {
          headers: auth,
        },
      );
      return ((await res.json()) as { envelopes: { envelopeId: string }[] }).envelopes
        .map((e) => e.envelopeId)
        .sort();
    };
    const me = sim.state.users.get(sim.defaults.userId)!;
    const mine = account.envelopes
      .filter((e) => e.ownerUserId === me.userId || e.recipients.some((r) => r.email === me.email))
      .map((e) => e.envelopeId)
      .sort();
    expect(await list('')).toEqual(mine);
    const other = account.envelopes.find((e) => e.ownerUserId !== me.userId)!.ownerUserId;
    const theirs = account.envelopes
      .filter((e) => e.ownerUserId === other)
      .map((e) => e.envelopeId)
      .sort();
    expect(await list(`&user_id=${other}`)).toEqual(theirs);
  });

  it('lists by user_id the envelopes created and transferred after an earlier list', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const api = client(sim);
    const account = sim.account(sim.defaults.accountIds[0]!)!;
    const me = sim.defaults.userId;
    const target = account.members.find((m) => m.status === 'Active' && !m.isAdmin)!.userId;
    const listOf = async (userId: string) => {
      const res = await api(`/envelopes?from_date=2000-01-01&count=1000&user_id=${userId}`);
      return ((await res.json()) as { envelopes: { envelopeId: string }[] }).envelopes.map(
        (e) => e.envelopeId,
      );
    };
    const send = async (emailSubject: string) => {
      const res = await api('/envelopes', {
        method: 'POST',
        body: JSON.stringify({
          emailSubject,
          status: 'sent',
          documents: [{ documentId: '1', name: 'a.pdf' }],
          recipients: { signers: [{ recipientId: '1', name: 'A', email: 'a@example.org' }] },
        }),
      });
      return ((await res.json()) as { envelopeId: string }).envelopeId;
    };
    const mineBefore = await listOf(me);
    const theirsBefore = await listOf(target);
    const kept = await send('Mine');
    await api('/envelopes/transfer_rules', {
      method: 'POST',
      body: JSON.stringify({
        eventType: 'sent',
        fromUsers: [{ userId: me }],
        toUser: { userId: target },
      }),
    });
    const moved = await send('Theirs');
    expect(account.envelopesById.get(moved)!.ownerUserId).toBe(target);
    const mineAfter = await listOf(me);
    const theirsAfter = await listOf(target);
    expect(mineAfter.sort()).toEqual([...mineBefore, kept].sort());
    expect(theirsAfter.sort()).toEqual([...theirsBefore, moved].sort());
    // The same as a scan of every envelope of the account.
    const scan = (userId: string) =>
      account.envelopes
        .filter((e) => e.ownerUserId === userId)
        .map((e) => e.envelopeId)
        .sort();
    expect(mineAfter).toEqual(scan(me));
    expect(theirsAfter).toEqual(scan(target));
  });
});

describe('embedded signing page', () => {
  it('signs through the view URL once and redirects with event=signing_complete', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const api = client(sim);
    const created = await api('/envelopes', {
      method: 'POST',
      body: JSON.stringify({
        emailSubject: 'Embedded',
        status: 'sent',
        documents: [{ documentId: '1', name: 'a.pdf' }],
        recipients: {
          signers: [{ recipientId: '1', name: 'Em Bedded', email: 'em@example.org', clientUserId: 'c-1' }],
        },
      }),
    });
    const { envelopeId } = (await created.json()) as { envelopeId: string };
    const view = await api(`/envelopes/${envelopeId}/views/recipient`, {
      method: 'POST',
      body: JSON.stringify({
        returnUrl: 'https://app.example/back',
        authenticationMethod: 'none',
        userName: 'Em Bedded',
        email: 'em@example.org',
        clientUserId: 'c-1',
      }),
    });
    const { url } = (await view.json()) as { url: string };
    expect((await sim.fetch(url)).status).toBe(200);
    const done = await sim.fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ decision: 'sign' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(done.headers.get('location')).toBe('https://app.example/back?event=signing_complete');
    expect(sim.account(sim.defaults.accountIds[0]!)!.envelopesById.get(envelopeId)!.status).toBe('completed');
    const again = await sim.fetch(url, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('https://app.example/back?event=ttl_expired');
  });
});

describe('transports', () => {
  const sim = createDocusignSimulator({ scale: SMALL });
  const server = setupServer(...docusignHandlers(sim));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('shows a landing page with the seeded defaults but no secret', async () => {
    const html = await (await sim.fetch(`${sim.origin}/`)).text();
    expect(html).toContain(sim.defaults.clientId);
    expect(html).toContain(sim.defaults.userEmail);
    for (const id of sim.defaults.accountIds) expect(html).toContain(id);
    expect(html).toContain(`${sim.origin}/__sandbox`);
    expect(html).not.toContain(sim.defaults.clientSecret);
  });

  it('answers global fetch through msw handlers', async () => {
    const { access_token } = sim.issueTokens();
    const res = await fetch(`${sim.origin}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sub: string }).sub).toBe(sim.defaults.userId);
    sim.faults.set({ match: '/oauth/userinfo', resetRate: 1 });
    const error = await fetch(`${sim.origin}/oauth/userinfo`).catch((e: unknown) => e);
    sim.faults.clear();
    expect(error).toBeInstanceOf(TypeError);
  });

  it('works under a path prefix when the prefix is stripped and included in the origin', async () => {
    const prefixed = createDocusignSimulator({
      scale: SMALL,
      origin: 'http://gateway.local/sandbox/docusign',
    });
    const forward = (url: string, init?: RequestInit) =>
      prefixed.fetch(url.replace('/sandbox/docusign', ''), init);
    const { access_token } = prefixed.issueTokens();
    const auth = { authorization: `Bearer ${access_token}` };
    const info = (await (await forward(`${prefixed.origin}/oauth/userinfo`, { headers: auth })).json()) as {
      accounts: { base_uri: string; account_id: string }[];
    };
    expect(info.accounts[0]!.base_uri).toBe('http://gateway.local/sandbox/docusign');
    const org = prefixed.defaults.organizationId;
    const users = (await (
      await forward(
        `${info.accounts[0]!.base_uri}/management/v2/organizations/${org}/users?account_id=${info.accounts[0]!.account_id}&take=2`,
        {
          headers: auth,
        },
      )
    ).json()) as { paging: { next: string } };
    expect(
      users.paging.next.startsWith(
        `http://gateway.local/sandbox/docusign/management/v2/organizations/${org}/users?`,
      ),
    ).toBe(true);
    expect((await forward(users.paging.next, { headers: auth })).status).toBe(200);
  });

  it('serves over real HTTP with base_uri pointing at the server, and resets connections on demand', async () => {
    const real = createDocusignSimulator({ scale: SMALL });
    const { url, close } = await startSimulatorServer(real);
    server.close();
    try {
      const { access_token } = real.issueTokens();
      const info = (await (
        await fetch(`${url}/oauth/userinfo`, { headers: { authorization: `Bearer ${access_token}` } })
      ).json()) as {
        accounts: { base_uri: string }[];
      };
      expect(info.accounts[0]!.base_uri).toBe(url);
      real.faults.set({ resetRate: 1 });
      const error = await fetch(`${url}/oauth/userinfo`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
    } finally {
      real.faults.clear();
      await close();
      server.listen({ onUnhandledRequest: 'error' });
    }
  });
});
