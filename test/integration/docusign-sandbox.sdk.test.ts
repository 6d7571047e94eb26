/**
 * The sandbox as an integrator meets it: DocuSign's official Node SDKs (`docusign-esign` 6, `docusign-admin` 2),
 * unchanged, pointed at `startSandboxServer` (what `npm run sandbox` runs) over HTTPS. The only set-up is trusting
 * the sandbox's self-signed certificate with NODE_EXTRA_CA_CERTS, as for a real app: vitest.config.ts makes the
 * certificate in SANDBOX_TEST_TLS_DIR before the test processes start. Recipients act
 * through the sandbox control API, over HTTP, as a test of an integrator's app would drive them.
 */

import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxServer, startSandboxServer } from '../../src/sandbox/docusign/server/sandbox-server';
import { testKeyPair } from '../helpers/keys';

const require = createRequire(import.meta.url);
const esign = require('docusign-esign') as typeof import('docusign-esign');
const admin = require('docusign-admin') as typeof import('docusign-admin');

const REDIRECT_URI = 'https://app.example.test/ds/callback';

/** The error the SDKs reject with (superagent's): the HTTP response is on it. */
interface SdkError {
  status?: number;
  response?: { status: number; body: Record<string, unknown>; headers: Record<string, string> };
}

async function sdkError(promise: Promise<unknown>): Promise<NonNullable<SdkError['response']>> {
  try {
    await promise;
  } catch (err) {
    const response = (err as SdkError).response;
    if (response) return response;
    throw err;
  }
  throw new Error('expected the SDK call to fail');
}

/** A PDF with `pages` pages, as an integrator's app would upload. */
async function pdfWithPages(pages: number): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++)
    doc.addPage([612, 792]).drawText(`Agreement page ${i + 1}`, { x: 72, y: 700 });
  return Buffer.from(await doc.save()).toString('base64');
}

describe('the sandbox driven by the official DocuSign SDKs', () => {
  let sandbox: SandboxServer;
  let dataDir: string;
  let oauthHost: string;
  let control: (path: string, body?: unknown, method?: string) => Promise<Response>;

  beforeAll(async () => {
    // The sandbox keeps its certificate in the data directory: use the one the test processes trust.
    dataDir = await mkdtemp(join(tmpdir(), 'sandbox-sdk-'));
    for (const file of ['sandbox-cert.pem', 'sandbox-key.pem'])
      await cp(join(process.env.SANDBOX_TEST_TLS_DIR!, file), join(dataDir, file));
    const keys = await testKeyPair('sdk-suite');
    sandbox = await startSandboxServer({
      port: 0,
      httpsPort: 0,
      dataDir,
      publicKeyPems: [keys.publicKeyPem],
      simulator: { redirectUris: [REDIRECT_URI] },
    });
    oauthHost = new URL(sandbox.httpsUrl!).host;
    control = (path, body, method = 'POST') =>
      fetch(`${sandbox.httpUrl}/__sandbox${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
  });

  afterAll(async () => {
    await sandbox?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** An SDK client authenticated with the JWT grant, its base path taken from userinfo as DocuSign's guide says. */
  async function jwtClient() {
    const client = new esign.ApiClient();
    client.setOAuthBasePath(oauthHost);
    const { privateKeyPem } = await testKeyPair('sdk-suite');
    const { clientId, userId } = sandbox.sim.defaults;
    const token = await client.requestJWTUserToken(
      clientId,
      userId,
      ['signature', 'impersonation'],
      Buffer.from(privateKeyPem),
      3600,
    );
    const info = await client.getUserInfo(token.body.access_token);
    const account = info.accounts.find((a) => a.isDefault === 'true') ?? info.accounts[0]!;
    client.setBasePath(`${account.baseUri}/restapi`);
    client.addDefaultHeader('Authorization', `Bearer ${token.body.access_token}`);
    return { client, accountId: account.accountId, accessToken: token.body.access_token };
  }

  describe('OAuth helpers over HTTPS', () => {
    it('JWT grant: consent_required until the user consents through the control API, then a token and userinfo', async () => {
      const client = new esign.ApiClient();
      client.setOAuthBasePath(oauthHost);
      const { privateKeyPem } = await testKeyPair('sdk-suite');
      const { clientId, userId } = sandbox.sim.defaults;
      const refused = await sdkError(
        client.requestJWTUserToken(
          clientId,
          userId,
          ['signature', 'impersonation'],
          Buffer.from(privateKeyPem),
          3600,
        ),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('consent_required');

      expect((await control('/consent', { userId, clientId })).status).toBe(200);
      const token = await client.requestJWTUserToken(
        clientId,
        userId,
        ['signature', 'impersonation'],
        Buffer.from(privateKeyPem),
        3600,
      );
      expect(token.body.token_type).toBe('Bearer');
      const info = await client.getUserInfo(token.body.access_token);
      expect(info.sub).toBe(userId);
      // The base_uri follows the scheme and port the SDK used, so the next calls stay on HTTPS.
      expect(info.accounts.map((a) => a.baseUri)).toContain(sandbox.httpsUrl);
    });

    it('authorization code grant: the consent page redirects with a code that generateAccessToken redeems', async () => {
      const client = new esign.ApiClient();
      client.setOAuthBasePath(oauthHost);
      const { clientId, clientSecret, userEmail } = sandbox.sim.defaults;
      const uri = client.getAuthorizationUri(clientId, ['signature'], REDIRECT_URI, 'code', 'xyz');
      expect(uri.startsWith(`${sandbox.httpsUrl}/oauth/auth?`)).toBe(true);

      // The user's browser: the consent page, then "Allow" (the form posts back to /oauth/auth).
      const authorize = new URL(uri);
      const page = await fetch(authorize);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('action="auth"');
      const form = new URLSearchParams({
        ...Object.fromEntries(authorize.searchParams),
        email: userEmail,
        decision: 'allow',
      });
      const allowed = await fetch(new URL('auth', authorize), {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      const back = new URL(allowed.headers.get('location')!);
      expect(back.searchParams.get('state')).toBe('xyz');

      const token = await client.generateAccessToken(clientId, clientSecret, back.searchParams.get('code')!);
      expect(token.refreshToken).toEqual(expect.any(String));
      const info = await client.getUserInfo(token.accessToken);
      expect(info.email).toBe(userEmail);
    });
  });

  describe('eSignature API', () => {
    it('pages users and groups with start_position/count until the last page', async () => {
      const { client, accountId } = await jwtClient();
      const users = new esign.UsersApi(client);
      const seen = new Set<string>();
      let start = 0;
      let total = 0;
      for (let guard = 0; guard < 50; guard++) {
        const page = await users.list(accountId, { count: '40', startPosition: String(start) });
        for (const u of page.users ?? []) seen.add(u.userId);
        total = Number(page.totalSetSize);
        if (!page.nextUri) break;
        start += Number(page.resultSetSize);
      }
      expect(total).toBeGreaterThan(40);
      expect(seen.size).toBe(total);

      const groups = new esign.GroupsApi(client);
      const first = await groups.listGroups(accountId, { count: '2', startPosition: '0' });
      expect(first.groups).toHaveLength(2);
      expect(first.nextUri).toBeTruthy();
      const second = await groups.listGroups(accountId, { count: '2', startPosition: '2' });
      expect(second.groups?.[0]?.groupId).not.toBe(first.groups?.[0]?.groupId);
    });

    it('an envelope from a template with two email signers reaches completed, and combined has the pages plus a certificate', async () => {
      const { client, accountId } = await jwtClient();
      const template = await new esign.TemplatesApi(client).createTemplate(accountId, {
        envelopeTemplate: {
          name: 'Two-party agreement',
          emailSubject: 'Please sign the agreement',
          documents: [
            {
              documentId: '1',
              name: 'Agreement.pdf',
              fileExtension: 'pdf',
              documentBase64: await pdfWithPages(2),
            },
          ],
          recipients: {
            signers: [
              {
                recipientId: '1',
                roleName: 'Buyer',
                routingOrder: '1',
                tabs: {
                  signHereTabs: [{ documentId: '1', pageNumber: '2', xPosition: '100', yPosition: '600' }],
                },
              },
              {
                recipientId: '2',
                roleName: 'Seller',
                routingOrder: '2',
                tabs: {
                  signHereTabs: [{ documentId: '1', pageNumber: '2', xPosition: '350', yPosition: '600' }],
                },
              },
            ],
          },
        },
      });
      const envelopes = new esign.EnvelopesApi(client);
      const created = await envelopes.createEnvelope(accountId, {
        envelopeDefinition: {
          templateId: template.templateId,
          templateRoles: [
            { roleName: 'Buyer', name: 'Bea Buyer', email: 'bea@example.test' },
            { roleName: 'Seller', name: 'Sam Seller', email: 'sam@example.test' },
          ],
          status: 'sent',
        },
      });
      expect(created.status).toBe('sent');

      // Sequential routing: the buyer first, then the seller, each signing "from the email" via the control API.
      for (const email of ['bea@example.test', 'sam@example.test']) {
        const { signers = [] } = await envelopes.listRecipients(accountId, created.envelopeId);
        const signer = signers.find((s) => s.email === email)!;
        expect(signer.status).toBe('sent');
        const signed = await control(
          `/envelopes/${created.envelopeId}/recipients/${signer.recipientId}/sign`,
          {},
        );
        expect(signed.status).toBe(200);
      }
      const envelope = await envelopes.getEnvelope(accountId, created.envelopeId);
      expect(envelope.status).toBe('completed');
      expect(envelope.completedDateTime).toMatch(/\.\d{7}Z$/);

      const combined = await envelopes.getDocument(accountId, created.envelopeId, 'combined');
      const bytes = typeof combined === 'string' ? Buffer.from(combined, 'binary') : combined;
      const pdf = await PDFDocument.load(bytes);
      expect(pdf.getPageCount()).toBe(3); // two uploaded pages + the certificate of completion
    });

    it('void and resend of a completed envelope fail with DocuSign error codes', async () => {
      const { client, accountId } = await jwtClient();
      const envelopes = new esign.EnvelopesApi(client);
      const created = await envelopes.createEnvelope(accountId, {
        envelopeDefinition: {
          emailSubject: 'One signer',
          documents: [{ documentId: '1', name: 'Note.pdf', documentBase64: await pdfWithPages(1) }],
          recipients: {
            signers: [{ recipientId: '1', name: 'Una', email: 'una@example.test', routingOrder: '1' }],
          },
          status: 'sent',
        },
      });
      await control(`/envelopes/${created.envelopeId}/recipients/1/sign`, {});

      const voided = await sdkError(
        envelopes.update(accountId, created.envelopeId, {
          envelope: { status: 'voided', voidedReason: 'too late' },
        }),
      );
      expect(voided.status).toBe(400);
      expect(voided.body.errorCode).toBe('ENVELOPE_CANNOT_VOID_INVALID_STATE');

      const resent = await sdkError(
        envelopes.update(accountId, created.envelopeId, { resendEnvelope: 'true', envelope: {} }),
      );
      expect(resent.status).toBe(400);
      expect(resent.body.errorCode).toBe('ENVELOPE_CANNOT_RESEND');
    });

    it('a rate limit injected on one route answers 429 with DocuSign headers and error code', async () => {
      const { client, accountId } = await jwtClient();
      const injected = await control(
        '/faults',
        {
          path: `/restapi/v2.1/accounts/${accountId}/users`,
          rateLimitStorm: { count: 1, retryAfterSeconds: 60 },
        },
        'POST',
      );
      expect(injected.status).toBe(201);
      const users = new esign.UsersApi(client);
      const limited = await sdkError(users.list(accountId, { count: '5' }));
      expect(limited.status).toBe(429);
      expect(limited.body.errorCode).toBe('HOURLY_APINVOCATION_LIMIT_EXCEEDED');
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
      // Other routes are untouched, and the storm is spent after one answer.
      await expect(new esign.GroupsApi(client).listGroups(accountId, { count: '1' })).resolves.toBeDefined();
      await expect(users.list(accountId, { count: '5' })).resolves.toHaveProperty('users');
      await control('/faults', undefined, 'DELETE');
    });

    it('an operation the sandbox does not model answers DocuSign’s error shape saying so', async () => {
      const { accountId, accessToken } = await jwtClient();
      const res = await fetch(`${sandbox.httpUrl}/restapi/v2.1/accounts/${accountId}/brands`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        errorCode: 'SANDBOX_NOT_MODELLED',
        message: expect.stringContaining('Brands_GetBrands'),
      });
    });
  });

  describe('Admin API', () => {
    it('pages organization users with start/take and paging.next', async () => {
      const { accessToken } = await jwtClient();
      const client = new admin.ApiClient();
      client.setBasePath(`${sandbox.httpsUrl}/management`);
      client.addDefaultHeader('Authorization', `Bearer ${accessToken}`);
      const users = new admin.UsersApi(client);
      const { organizationId, accountIds } = sandbox.sim.defaults;
      const first = await users.getUsers(organizationId, { accountId: accountIds[0], start: 0, take: 25 });
      expect(first.users).toHaveLength(25);
      expect(first.paging?.next).toContain('start=25');
      const second = await users.getUsers(organizationId, { accountId: accountIds[0], start: 25, take: 25 });
      expect(second.users?.[0]?.id).not.toBe(first.users?.[0]?.id);
      expect(new Set([...(first.users ?? []), ...(second.users ?? [])].map((u) => u.id)).size).toBe(50);
    });
  });
});
