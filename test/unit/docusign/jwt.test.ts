import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DocusignOAuthError } from '../../../src/docusign/errors';
import { importRsaPrivateKey, signJwtAssertion } from '../../../src/docusign/jwt';

const pkcs1 = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
const pkcs8 = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

describe('signJwtAssertion', () => {
  it('signs iss, sub, aud without scheme, iat, exp and scope with RS256', async () => {
    const key = await importRsaPrivateKey(pkcs8.privateKey);
    const issuedAt = Math.floor(Date.now() / 1000);
    const assertion = await signJwtAssertion(key, {
      clientId: 'client-1',
      userId: 'user-1',
      oauthBase: 'https://account-d.docusign.com',
      scopes: ['signature', 'impersonation'],
      issuedAt,
    });
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const { payload } = await jwtVerify(assertion, await importSPKI(pkcs8.publicKey, 'RS256'), {
      issuer: 'client-1',
      subject: 'user-1',
      audience: 'account-d.docusign.com',
    });
    expect(payload).toEqual({
      iss: 'client-1',
      sub: 'user-1',
      aud: 'account-d.docusign.com',
      iat: issuedAt,
      exp: issuedAt + 3600,
      scope: 'signature impersonation',
    });
  });

  it('caps the lifetime at one hour', async () => {
    const key = await importRsaPrivateKey(pkcs8.privateKey);
    const assertion = await signJwtAssertion(key, {
      clientId: 'c',
      userId: 'u',
      oauthBase: 'http://127.0.0.1:4010',
      scopes: ['signature'],
      issuedAt: 1_000,
      lifetimeSeconds: 7200,
    });
    const { payload } = await jwtVerify(assertion, await importSPKI(pkcs8.publicKey, 'RS256'), {
      currentDate: new Date(2_000_000),
    });
    expect(payload.exp).toBe(1_000 + 3600);
    expect(payload.aud).toBe('127.0.0.1:4010');
  });
});

describe('importRsaPrivateKey', () => {
  it('imports PKCS#1 keys as DocuSign hands them out, and signs verifiably', async () => {
    expect(pkcs1.privateKey).toContain('BEGIN RSA PRIVATE KEY');
    const key = await importRsaPrivateKey(pkcs1.privateKey);
    const assertion = await signJwtAssertion(key, {
      clientId: 'c',
      userId: 'u',
      oauthBase: 'https://account.docusign.com',
      scopes: ['signature'],
      issuedAt: Math.floor(Date.now() / 1000),
    });
    await expect(jwtVerify(assertion, await importSPKI(pkcs1.publicKey, 'RS256'))).resolves.toBeTruthy();
  });

  it('accepts a PEM whose newlines were escaped in an environment variable', async () => {
    await expect(importRsaPrivateKey(pkcs8.privateKey.replace(/\n/g, '\\n'))).resolves.toBeTruthy();
  });

  it.each([
    ['not a PEM', 'hello', /not a PEM block/],
    ['a public key', pkcs8.publicKey, /not a PEM block/],
    [
      'an encrypted key',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----',
      /encrypted/,
    ],
    ['a corrupted body', pkcs8.privateKey.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!'), /not valid base64/],
    [
      'a truncated key',
      `-----BEGIN PRIVATE KEY-----\n${pkcs8.privateKey.split('\n').slice(1, -2).join('').slice(0, 400)}\n-----END PRIVATE KEY-----`,
      /could not be imported/,
    ],
  ])('rejects %s with invalid_private_key and without echoing the key', async (_name, pem, message) => {
    const error = await importRsaPrivateKey(pem).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DocusignOAuthError);
    expect(error).toMatchObject({ error: 'invalid_private_key', code: 'invalid_request' });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/MII/);
  });

  it('rejects RSA keys shorter than 2048 bits', async () => {
    const small = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await expect(importRsaPrivateKey(small.privateKey)).rejects.toThrow(/1024 bits/);
  });
});
