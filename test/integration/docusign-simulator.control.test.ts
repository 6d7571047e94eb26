/**
 * The sandbox control API (`/__sandbox/…`) and the behaviour it drives: recipients acting over HTTP, the clock
 * (expirations, reminders), faults and rate limits, reset, clients/keys/consent, Connect delivery log; plus the
 * DocuSign-facing changes that came with it (documents as PDFs with signed fields, not-modelled operations, count=0).
 */
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { createDocusignSimulator, type DocusignSimulator } from '../../src/sandbox/docusign';
import { allDocusignOperations } from '../../src/sandbox/docusign/not-modelled';
import { createFakeClock } from '../helpers/clock';
import { testKeyPair } from '../helpers/keys';

const SMALL = { users: 12, envelopes: 20, templates: 3, groups: 2 };
const DAY = 86_400_000;

type Body = Record<string, unknown>;

function harness(sim: DocusignSimulator) {
  const { access_token } = sim.issueTokens();
  const accountId = sim.defaults.accountIds[0]!;
  const request = async (
    method: string,
    url: string,
    body?: unknown,
    token: string | null = access_token,
  ) => {
    const res = await sim.fetch(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      headers: res.headers,
      json: (type.includes('json') ? await res.json() : {}) as Body,
    };
  };
  return {
    accountId,
    api: (method: string, path: string, body?: unknown) =>
      request(method, `${sim.origin}/restapi/v2.1/accounts/${accountId}${path}`, body),
    raw: (path: string) =>
      sim.fetch(`${sim.origin}/restapi/v2.1/accounts/${accountId}${path}`, {
        headers: { authorization: `Bearer ${access_token}` },
      }),
    control: (method: string, path: string, body?: unknown) =>
      request(method, `${sim.origin}/__sandbox${path}`, body, null),
    request,
  };
}

async function pdfBase64(pages: number): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([612, 792]).drawText(`Page ${i + 1}`, { x: 72, y: 700 });
  return Buffer.from(await doc.save()).toString('base64');
}

/** A sent envelope with two email signers (routing orders 1 and 2), a text field and a signature on page 2. */
async function twoSignerEnvelope(h: ReturnType<typeof harness>, extra: Body = {}) {
  const created = await h.api('POST', '/envelopes', {
    emailSubject: 'Agreement',
    documents: [{ documentId: '1', name: 'Agreement.pdf', documentBase64: await pdfBase64(2) }],
    recipients: {
      signers: [
        {
          recipientId: '1',
          name: 'Ann',
          email: 'ann@example.test',
          routingOrder: '1',
          tabs: {
            textTabs: [
              { tabLabel: 'company', documentId: '1', pageNumber: '1', xPosition: '72', yPosition: '100' },
            ],
            signHereTabs: [{ documentId: '1', pageNumber: '2', xPosition: '72', yPosition: '600' }],
          },
        },
        { recipientId: '2', name: 'Bob', email: 'bob@example.test', routingOrder: '2' },
      ],
    },
    status: 'sent',
    ...extra,
  });
  expect(created.status).toBe(201);
  return created.json.envelopeId as string;
}

describe('control API: acting as recipients', () => {
  it('opens, signs with field values in routing order, and completes an envelope of email signers', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const id = await twoSignerEnvelope(h);

    const opened = await h.control('POST', `/envelopes/${id}/recipients/1/open`);
    expect(opened.json).toEqual({
      envelopeId: id,
      envelopeStatus: 'delivered',
      recipientId: '1',
      recipientStatus: 'delivered',
    });

    const early = await h.control('POST', `/envelopes/${id}/recipients/2/sign`, {});
    expect(early.status).toBe(400);
    expect(early.json.errorCode).toBe('RECIPIENT_NOT_IN_SEQUENCE');

    const unknownLabel = await h.control('POST', `/envelopes/${id}/recipients/1/sign`, {
      tabValues: { nope: 'x' },
    });
    expect(unknownLabel.json.errorCode).toBe('INVALID_TAB_LABEL');

    const first = await h.control('POST', `/envelopes/${id}/recipients/1/sign`, {
      tabValues: { company: 'Acme' },
    });
    expect(first.json).toMatchObject({ envelopeStatus: 'delivered', recipientStatus: 'completed' });
    const tabs = await h.api('GET', `/envelopes/${id}/recipients/1/tabs`);
    expect((tabs.json.textTabs as Body[])[0]!.value).toBe('Acme');

    const second = await h.control('POST', `/envelopes/${id}/recipients/2/sign`);
    expect(second.json).toMatchObject({ envelopeStatus: 'completed', recipientStatus: 'completed' });
    expect((await h.api('GET', `/envelopes/${id}`)).json.status).toBe('completed');
  });

  it('declines with a reason, and rejects an unknown envelope or a malformed body', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const id = await twoSignerEnvelope(h);
    const declined = await h.control('POST', `/envelopes/${id}/recipients/1/decline`, {
      reason: 'Wrong price',
    });
    expect(declined.json).toMatchObject({ envelopeStatus: 'declined', recipientStatus: 'declined' });
    const recipients = await h.api('GET', `/envelopes/${id}/recipients`);
    expect((recipients.json.signers as Body[])[0]!.declinedReason).toBe('Wrong price');

    const missing = await h.control(
      'POST',
      '/envelopes/00000000-0000-0000-0000-000000000000/recipients/1/sign',
    );
    expect(missing.status).toBe(404);
    expect(missing.json.errorCode).toBe('ENVELOPE_DOES_NOT_EXIST');
    const bad = await h.control('POST', `/envelopes/${id}/recipients/1/decline`, { reason: 42 });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      errorCode: 'SANDBOX_INVALID_REQUEST',
      message: expect.stringContaining('reason'),
    });
  });
});

describe('control API: the clock', () => {
  it('sends reminders as they fall due and voids an envelope when it expires', async () => {
    const clock = createFakeClock();
    // Access tokens expire as the clock moves like everything else: this one outlives the test's four days.
    const sim = createDocusignSimulator({ scale: SMALL, now: clock.now, accessTokenTtlSeconds: 30 * 86_400 });
    const h = harness(sim);
    const id = await twoSignerEnvelope(h, {
      notification: {
        useAccountDefaults: 'false',
        expirations: { expireEnabled: 'true', expireAfter: '3', expireWarn: '1' },
        reminders: { reminderEnabled: 'true', reminderDelay: '1', reminderFrequency: '1' },
      },
    });

    const two = await h.control('POST', '/clock/advance', { days: 2, hours: 1 });
    expect(two.json.expiredEnvelopeIds).toEqual([]);
    const mine = (two.json.reminders as Body[]).filter((r) => r.envelopeId === id);
    expect(mine.map((r) => r.email)).toEqual(['ann@example.test', 'ann@example.test']);
    expect((await h.api('GET', `/envelopes/${id}`)).json.status).toBe('sent');

    const later = await h.control('POST', '/clock/advance', { days: 2 });
    expect(later.json.expiredEnvelopeIds).toContain(id);
    // One more reminder (day 3, the expiry day), none after the envelope expired.
    expect((later.json.reminders as Body[]).filter((r) => r.envelopeId === id)).toHaveLength(1);
    const envelope = await h.api('GET', `/envelopes/${id}`);
    expect(envelope.json).toMatchObject({ status: 'voided', voidedReason: 'Envelope has expired.' });
    expect((await h.control('GET', '/clock')).json.now).toBe(
      new Date(clock.t + 4 * DAY + 3_600_000).toISOString(),
    );
    expect((await h.control('POST', '/clock/advance', {})).status).toBe(400);
  });
});

describe('control API: faults, rate limits, logs and reset', () => {
  it('injects a fault on one route and method, lists it, and clears it; the control API itself is never faulted', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const put = await h.control('PUT', '/faults', {
      rules: [
        {
          path: `/restapi/v2.1/accounts/${h.accountId}/users`,
          method: 'GET',
          errorRate: 1,
          errorStatus: 503,
        },
      ],
    });
    expect(put.json.rules).toEqual([
      expect.objectContaining({
        path: `/restapi/v2.1/accounts/${h.accountId}/users`,
        method: 'GET',
        errorRate: 1,
      }),
    ]);
    expect((await h.api('GET', '/users?count=1')).status).toBe(503);
    expect((await h.api('GET', '/groups')).status).toBe(200);
    await h.control('POST', '/faults', { errorRate: 1 }); // every path
    expect((await h.control('GET', '/faults')).status).toBe(200);
    expect((await h.control('DELETE', '/faults')).json).toEqual({ rules: [] });
    expect((await h.api('GET', '/users?count=1')).status).toBe(200);

    const log = await h.control('GET', `/requests?pathPrefix=/restapi&method=get`);
    expect((log.json.requests as Body[]).map((r) => r.status)).toEqual([503, 200, 200]);
  });

  it('lowers the burst limit so the next calls get DocuSign’s 429', async () => {
    const clock = createFakeClock();
    const sim = createDocusignSimulator({ scale: SMALL, now: clock.now });
    const h = harness(sim);
    expect((await h.control('PUT', '/rate-limits', { burst: 2 })).json).toMatchObject({
      burst: 2,
      hourly: 3000,
    });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof h.api>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await h.api('GET', '/users?count=1');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last!.json.errorCode).toBe('HOURLY_APINVOCATION_LIMIT_EXCEEDED');
    expect(last!.headers.get('x-burstlimit-remaining')).toBe('0');
  });

  it('resets the data to the seed, or to another seed', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const id = await twoSignerEnvelope(h);
    expect((await h.control('POST', '/reset', {})).status).toBe(200);
    expect((await h.api('GET', `/envelopes/${id}`)).json.errorCode).toBe('ENVELOPE_DOES_NOT_EXIST');
    const other = await h.control('POST', '/reset', { seed: 2, scale: { users: 5 } });
    expect(other.json.seed).toBe(2);
    expect(other.json.accountIds).not.toContain(h.accountId);
  });

  it('reads the Connect delivery log', async () => {
    const delivered: string[] = [];
    const sim = createDocusignSimulator({
      scale: SMALL,
      connect: {
        fetch: async (req) => {
          delivered.push(((await req.json()) as { event: string }).event);
          return new Response(null, { status: 200 });
        },
      },
    });
    const h = harness(sim);
    await h.api('POST', '/connect', {
      name: 'hook',
      urlToPublishTo: 'https://hooks.example.test/ds',
      configurationType: 'custom',
      allUsers: 'true',
      events: ['envelope-sent', 'envelope-completed'],
      deliveryMode: 'SIM',
    });
    const id = await twoSignerEnvelope(h);
    await sim.connect.flush();
    const log = await h.control('GET', `/connect/deliveries?envelopeId=${id}`);
    expect(log.json.deliveries).toEqual([
      expect.objectContaining({ envelopeId: id, event: 'envelope-sent', state: 'delivered', attempts: 1 }),
    ]);
    expect(delivered).toContain('envelope-sent');
  });
});

describe('control API: integrations, JWT keys and consent', () => {
  it('registers a client and its public key, grants consent, and the JWT grant then issues a token', async () => {
    const sim = createDocusignSimulator({ scale: SMALL, origin: 'https://sandbox.test:4443' });
    const h = harness(sim);
    const keys = await testKeyPair('control-suite');
    const created = await h.control('POST', '/clients', {
      clientId: 'my-app',
      redirectUris: ['https://app.test/cb'],
    });
    expect(created.json).toEqual({
      clientId: 'my-app',
      redirectUris: ['https://app.test/cb'],
      hasSecret: false,
      hasPublicKey: false,
    });
    const badKey = await h.control('PUT', '/clients/my-app/public-key', { publicKeyPem: 'not a key' });
    expect(badKey.json.errorCode).toBe('SANDBOX_INVALID_REQUEST');
    expect(
      (await h.control('PUT', '/clients/nobody/public-key', { publicKeyPem: keys.publicKeyPem })).status,
    ).toBe(404);
    const withKey = await h.control('PUT', '/clients/my-app/public-key', { publicKeyPem: keys.publicKeyPem });
    expect(withKey.json.hasPublicKey).toBe(true);

    const assertion = await new SignJWT({ scope: 'signature impersonation' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('my-app')
      .setSubject(sim.defaults.userId)
      .setAudience('sandbox.test:4443')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);
    const grant = () =>
      sim.fetch(`${sim.origin}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
    expect(((await (await grant()).json()) as Body).error).toBe('consent_required');
    const consent = await h.control('POST', '/consent', {
      clientId: 'my-app',
      email: sim.defaults.userEmail,
    });
    expect(consent.json).toEqual({
      clientId: 'my-app',
      userId: sim.defaults.userId,
      scopes: ['signature', 'impersonation'],
    });
    const token = await grant();
    expect(token.status).toBe(200);
    expect(((await token.json()) as Body).access_token).toEqual(expect.any(String));

    await h.control('DELETE', '/consent', { clientId: 'my-app', userId: sim.defaults.userId });
    expect(((await (await grant()).json()) as Body).error).toBe('consent_required');
  });
});

describe('DocuSign behaviour that came with the sandbox', () => {
  it('returns a document as uploaded until someone signs, then with the signed fields stamped; combined and archive follow', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const id = await twoSignerEnvelope(h);
    const uploaded = new Uint8Array(await (await h.raw(`/envelopes/${id}/documents/1`)).arrayBuffer());
    await h.control('POST', `/envelopes/${id}/recipients/1/sign`, { tabValues: { company: 'Acme' } });
    const stamped = new Uint8Array(await (await h.raw(`/envelopes/${id}/documents/1`)).arrayBuffer());
    expect(Buffer.from(stamped).equals(Buffer.from(uploaded))).toBe(false);
    const pdf = await PDFDocument.load(stamped);
    expect(pdf.getPageCount()).toBe(2);
    // The stamp adds a content stream to each page that carries a signed field (page 1: text, page 2: signature).
    const original = await PDFDocument.load(uploaded);
    const streams = (doc: PDFDocument, i: number) =>
      doc.getPage(i).node.normalizedEntries().Contents?.size() ?? 0;
    expect(streams(pdf, 0)).toBeGreaterThan(streams(original, 0));
    expect(streams(pdf, 1)).toBeGreaterThan(streams(original, 1));

    const combined = await PDFDocument.load(
      await (await h.raw(`/envelopes/${id}/documents/combined`)).arrayBuffer(),
    );
    expect(combined.getPageCount()).toBe(3);
    const noCertificate = await h.raw(`/envelopes/${id}/documents/combined?certificate=false`);
    expect((await PDFDocument.load(await noCertificate.arrayBuffer())).getPageCount()).toBe(2);

    const archive = await h.raw(`/envelopes/${id}/documents/archive`);
    expect(archive.headers.get('content-type')).toBe('application/zip');
    const names = new TextDecoder('latin1').decode(new Uint8Array(await archive.arrayBuffer()));
    expect(names).toContain('1_Agreement.pdf');
    expect(names).toContain('Summary.pdf');
  });

  it('answers an unmodelled DocuSign operation with SANDBOX_NOT_MODELLED, and a wrong URL with a 404', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const brands = await h.api('GET', '/brands');
    expect(brands.status).toBe(400);
    expect(brands.json).toEqual({
      errorCode: 'SANDBOX_NOT_MODELLED',
      message:
        'The DocuSign sandbox does not model Brands_GetBrands (GET /v2.1/accounts/{accountId}/brands).',
    });
    // The SDK's getBillingPlan(planId): GET /v2.1/billing_plans/{billingPlanId}, outside any account.
    const plan = await h.request('GET', `${sim.origin}/restapi/v2.1/billing_plans/some-plan`);
    expect(plan.json.errorCode).toBe('SANDBOX_NOT_MODELLED');
    expect((await h.api('GET', '/no-such-thing')).status).toBe(404);
    const adminPath = `${sim.origin}/management/v2/organizations/${sim.defaults.organizationId}/identity_providers`;
    const idp = await h.request('GET', adminPath);
    expect(idp.status).toBe(400);
    expect(idp.json.error).toBe('sandbox_not_modelled');
  });

  it('the README lists exactly the operations that answer SANDBOX_NOT_MODELLED', async () => {
    const readme = readFileSync(new URL('../../src/sandbox/docusign/README.md', import.meta.url), 'utf8');
    const listed = new Set([...readme.matchAll(/^- `([A-Z]+ \S+) \(\w+\)`$/gm)].map((m) => m[1]));
    expect(listed.size).toBeGreaterThan(300);
    const sim = createDocusignSimulator({ scale: { users: 5, envelopes: 5, templates: 2, groups: 1 } });
    const h = harness(sim);
    const mismatches: string[] = [];
    for (const op of allDocusignOperations()) {
      const path = op.path
        .replace('{accountId}', h.accountId)
        .replace('{organizationId}', sim.defaults.organizationId)
        .replace(/\{[^}]+\}/g, 'x');
      const res = await h.request(
        op.method,
        `${sim.origin}${op.api === 'admin' ? '/management' : '/restapi'}${path}`,
        op.method === 'GET' ? undefined : {},
      );
      const unmodelled =
        res.json.errorCode === 'SANDBOX_NOT_MODELLED' || res.json.error === 'sandbox_not_modelled';
      if (unmodelled !== listed.has(`${op.method} ${op.path}`)) mismatches.push(`${op.method} ${op.path}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('count=0 returns no items but the total, and no nextUri to follow', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const page = await h.api('GET', '/users?count=0');
    expect(page.json.users ?? []).toEqual([]);
    expect(Number(page.json.totalSetSize)).toBeGreaterThan(0);
    expect(page.json.resultSetSize).toBe('0');
    expect(page.json.nextUri).toBe('');
    // DocuSign's maximum for users is 100 (spec: "Valid values: 1 to 100"); more is answered as 100 with a nextUri.
    const big = createDocusignSimulator({ scale: { ...SMALL, users: 150 } });
    const bigPage = await harness(big).api('GET', '/users?count=500');
    expect(bigPage.json.resultSetSize).toBe('100');
    expect(bigPage.json.nextUri).toContain('start_position=100');
  });

  it('applies a "before sent" transfer rule when the draft is sent', async () => {
    const sim = createDocusignSimulator({ scale: SMALL });
    const h = harness(sim);
    const account = sim.account(h.accountId)!;
    const target = account.members.find((m) => m.userId !== sim.defaults.userId && m.status === 'Active')!;
    const rule = await h.api('POST', '/envelopes/transfer_rules', {
      eventType: 'before sent',
      fromUsers: [{ userId: sim.defaults.userId }],
      toUser: { userId: target.userId },
      enabled: 'true',
    });
    expect(rule.status).toBeLessThan(300);
    const draft = await twoSignerEnvelope(h, { status: 'created' });
    expect(account.envelopesById.get(draft)!.ownerUserId).toBe(sim.defaults.userId);
    await h.api('PUT', `/envelopes/${draft}`, { status: 'sent' });
    expect(account.envelopesById.get(draft)!.ownerUserId).toBe(target.userId);
  });
});
