/**
 * `startSandboxServer` (what `npm run sandbox` runs): HTTP and HTTPS at once with origins that follow the client,
 * the certificate kept in the data directory, JWT keys from a file, and state that survives a restart.
 * HTTPS requests trust the certificate through NODE_EXTRA_CA_CERTS (set up by vitest.config.ts).
 */
import { X509Certificate } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate } from '../../src/sandbox/docusign/server/certificate';
import { type SandboxServer, startSandboxServer } from '../../src/sandbox/docusign/server/sandbox-server';
import { testKeyPair } from '../helpers/keys';

const SMALL = { users: 12, envelopes: 20, templates: 3, groups: 2 };
const dirs: string[] = [];
const servers: SandboxServer[] = [];

async function dataDir(withTrustedCertificate = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-server-'));
  dirs.push(dir);
  if (withTrustedCertificate)
    for (const file of ['sandbox-cert.pem', 'sandbox-key.pem'])
      await cp(join(process.env.SANDBOX_TEST_TLS_DIR!, file), join(dir, file));
  return dir;
}

async function start(options: Partial<Parameters<typeof startSandboxServer>[0]> & { dataDir: string }) {
  const server = await startSandboxServer({ port: 0, httpsPort: 0, simulator: { scale: SMALL }, ...options });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('startSandboxServer', () => {
  it('writes base_uri with the scheme, host and port each client used, and accepts that host as the JWT audience', async () => {
    const keys = await testKeyPair('server-suite');
    const dir = await dataDir();
    await writeFile(join(dir, 'jwt.pub'), keys.publicKeyPem);
    const server = await start({ dataDir: dir, publicKeyFiles: [join(dir, 'jwt.pub')] });
    const { clientId, userId } = server.sim.defaults;
    server.sim.grantConsent(userId, clientId);

    const httpsHost = new URL(server.httpsUrl!).host;
    const assertion = await new SignJWT({ scope: 'signature impersonation' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(clientId)
      .setSubject(userId)
      .setAudience(httpsHost)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);
    const token = async (base: string) =>
      fetch(`${base}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
    const granted = await token(server.httpsUrl!);
    expect(granted.status).toBe(200);
    const { access_token } = (await granted.json()) as { access_token: string };
    // The same assertion names the HTTPS host, so over the HTTP port (another origin) it is refused.
    expect(((await (await token(server.httpUrl)).json()) as { error: string }).error).toBe('invalid_grant');

    const baseUris = async (base: string) => {
      const res = await fetch(`${base}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      return ((await res.json()) as { accounts: { base_uri: string }[] }).accounts.map((a) => a.base_uri);
    };
    expect(new Set(await baseUris(server.httpsUrl!))).toEqual(new Set([server.httpsUrl]));
    expect(new Set(await baseUris(server.httpUrl))).toEqual(new Set([server.httpUrl]));
    const localhost = server.httpUrl.replace('127.0.0.1', 'localhost');
    expect(new Set(await baseUris(localhost))).toEqual(new Set([localhost]));
  });

  it('generates a certificate for localhost and 127.0.0.1 on first start and reuses it afterwards', async () => {
    const dir = await dataDir(false);
    const first = await loadOrCreateCertificate(dir);
    const cert = new X509Certificate(first.cert);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    expect(await readFile(join(dir, 'sandbox-cert.pem'), 'utf8')).toBe(first.cert);
    const again = await loadOrCreateCertificate(dir);
    expect(again.cert).toBe(first.cert);
    expect(again.key).toBe(first.key);
  });

  it('keeps the state in the data directory across a restart when persistence is on', async () => {
    const dir = await dataDir();
    const first = await start({ dataDir: dir, persist: true });
    expect(first.stateFile?.restored).toBe(false);
    const { access_token } = first.sim.issueTokens();
    const accountId = first.sim.defaults.accountIds[0]!;
    const envelope = first.sim.account(accountId)!.envelopes.find((e) => e.status === 'sent')!;
    const voided = await fetch(
      `${first.httpUrl}/restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'voided', voidedReason: 'changed my mind' }),
      },
    );
    expect(voided.status).toBe(200);
    await first.close();
    servers.splice(servers.indexOf(first), 1);

    const second = await start({ dataDir: dir, persist: true });
    expect(second.stateFile?.restored).toBe(true);
    // The token issued before the restart still works, and the change is there.
    const read = await fetch(
      `${second.httpUrl}/restapi/v2.1/accounts/${accountId}/envelopes/${envelope.envelopeId}`,
      {
        headers: { authorization: `Bearer ${access_token}` },
      },
    );
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ status: 'voided', voidedReason: 'changed my mind' });
  });
});
