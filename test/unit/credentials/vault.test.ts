import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVault, parseEncryptionKeys, VaultError } from '../../../src/credentials/vault';

const keyA = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const keyB = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('parseEncryptionKeys', () => {
  it('parses several kid:base64 entries, first is current', () => {
    const keys = parseEncryptionKeys(` k2:${b64(keyB)} , k1:${b64(keyA)}`);
    expect(keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(Array.from(keys[0]!.key)).toEqual(Array.from(keyB));
    expect(Array.from(keys[1]!.key)).toEqual(Array.from(keyA));
  });

  it('accepts base64url and unpadded keys', () => {
    const [key] = parseEncryptionKeys(`k:${base64url.encode(keyB)}`);
    expect(Array.from(key!.key)).toEqual(Array.from(keyB));
  });

  it('rejects an empty value', () => {
    expect(() => parseEncryptionKeys(' , ')).toThrow(/ENCRYPTION_KEYS is empty/);
  });

  it('names the entry without a colon', () => {
    expect(() => parseEncryptionKeys(`k1:${b64(keyA)},${b64(keyB)}`)).toThrow(
      /ENCRYPTION_KEYS entry 2: expected "kid:base64key"/,
    );
  });

  it('rejects a key of the wrong length without printing it', () => {
    const short = b64(keyA.slice(0, 16));
    let message = '';
    try {
      parseEncryptionKeys(`k1:${b64(keyA)},old:${short}`);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/entry 2 \(kid "old"\): key must decode to 32 bytes, got 16/);
    expect(message).not.toContain(short);
  });

  it('rejects invalid base64', () => {
    expect(() => parseEncryptionKeys('k1:not*base64!')).toThrow(
      /entry 1 \(kid "k1"\): key is not valid base64/,
    );
  });

  it('rejects a bad or duplicate key id', () => {
    expect(() => parseEncryptionKeys(`k.1:${b64(keyA)}`)).toThrow(/entry 1: key id must be/);
    expect(() => parseEncryptionKeys(`k1:${b64(keyA)},k1:${b64(keyB)}`)).toThrow(
      /entry 2 \(kid "k1"\): duplicate/,
    );
  });
});

describe('createVault', () => {
  const vault = createVault([{ kid: 'k1', key: keyA }]);

  it('roundtrips text, including non-ASCII', async () => {
    const secret = 'refresh-token-é✓-🔑';
    const sealed = await vault.seal(secret, 'acct_1');
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('refresh');
    expect(await vault.open(sealed, 'acct_1')).toBe(secret);
  });

  it('uses a fresh IV for every seal', async () => {
    const one = await vault.seal('same');
    const two = await vault.seal('same');
    expect(one).not.toBe(two);
    expect(await vault.open(one)).toBe('same');
    expect(await vault.open(two)).toBe('same');
  });

  it('detects a tampered ciphertext', async () => {
    const sealed = await vault.seal('secret-value', 'acct_1');
    const parts = sealed.split('.');
    const bytes = base64url.decode(parts[3]!);
    bytes[0] = bytes[0]! ^ 1;
    parts[3] = base64url.encode(bytes);
    const error = await vault.open(parts.join('.'), 'acct_1').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).reason).toBe('decrypt_failed');
    expect((error as VaultError).message).not.toContain('secret-value');
  });

  it('refuses to open a secret copied to another owner row (wrong AAD)', async () => {
    const sealed = await vault.seal('secret', 'acct_1');
    await expect(vault.open(sealed, 'acct_2')).rejects.toMatchObject({ reason: 'decrypt_failed' });
    await expect(vault.open(sealed)).rejects.toMatchObject({ reason: 'decrypt_failed' });
  });

  it('refuses a secret whose key id was relabelled', async () => {
    const both = createVault([
      { kid: 'k1', key: keyA },
      { kid: 'k2', key: keyA },
    ]);
    const sealed = await both.seal('secret');
    await expect(both.open(sealed.replace('v1.k1.', 'v1.k2.'))).rejects.toMatchObject({
      reason: 'decrypt_failed',
    });
  });

  it('reports an unknown key id and malformed input clearly', async () => {
    const other = createVault([{ kid: 'k9', key: keyB }]);
    const sealed = await other.seal('secret');
    await expect(vault.open(sealed)).rejects.toThrow(/unknown key id "k9"/);
    await expect(vault.open('garbage')).rejects.toMatchObject({ reason: 'malformed' });
    await expect(vault.open('v1.k1.AAAA.AAAA')).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('is an internal ApiError', async () => {
    const error = await vault.open('garbage').catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'internal', status: 500 });
  });
});

describe('key rotation', () => {
  const old = createVault([{ kid: 'k1', key: keyA }]);
  const rotated = createVault([
    { kid: 'k2', key: keyB },
    { kid: 'k1', key: keyA },
  ]);

  it('still opens secrets sealed under the old key', async () => {
    const sealed = await old.seal('token', 'acct_1');
    expect(rotated.currentKid).toBe('k2');
    expect(rotated.needsRotation(sealed)).toBe(true);
    expect(await rotated.open(sealed, 'acct_1')).toBe('token');
  });

  it('reseal moves a secret to the current key and keeps its AAD binding', async () => {
    const sealed = await old.seal('token', 'acct_1');
    const resealed = await rotated.reseal(sealed, 'acct_1');
    expect(resealed.startsWith('v1.k2.')).toBe(true);
    expect(rotated.needsRotation(resealed)).toBe(false);
    expect(await rotated.open(resealed, 'acct_1')).toBe('token');
    await expect(rotated.open(resealed, 'acct_2')).rejects.toMatchObject({ reason: 'decrypt_failed' });
    // the old-only vault cannot read it any more
    await expect(old.open(resealed, 'acct_1')).rejects.toMatchObject({ reason: 'unknown_kid' });
  });
});
