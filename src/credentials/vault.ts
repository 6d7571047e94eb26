import { base64url, type CryptoKey } from 'jose';
import { ApiError } from '../http/errors';

/**
 * Encryption of credentials at rest: AES-256-GCM (WebCrypto, so it runs on Node 20 and Workers).
 *
 * A sealed secret is `v1.<kid>.<iv>.<ciphertext>` (iv and ciphertext base64url, the GCM tag is the
 * ciphertext's last 16 bytes). The version and key id are authenticated too, and an optional
 * caller-supplied AAD (e.g. the integrated account id) binds the secret to its owner row.
 */

const FORMAT_VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** One named key from `ENCRYPTION_KEYS`. */
export interface EncryptionKey {
  kid: string;
  /** 32 raw bytes. */
  key: Uint8Array;
}

/** Seals and opens secrets; the first key is current, the others only open older secrets. */
export interface Vault {
  readonly currentKid: string;
  seal(plaintext: string, aad?: string): Promise<string>;
  open(sealed: string, aad?: string): Promise<string>;
  /** True when the secret was sealed under a key other than the current one. */
  needsRotation(sealed: string): boolean;
  /** Opens with whichever key sealed it and seals again under the current key. */
  reseal(sealed: string, aad?: string): Promise<string>;
}

export type VaultErrorReason = 'malformed' | 'unknown_kid' | 'decrypt_failed';

/** A stored secret could not be opened; the message never contains secret material. */
export class VaultError extends ApiError {
  constructor(
    readonly reason: VaultErrorReason,
    message: string,
  ) {
    super('internal', message);
    this.name = 'VaultError';
  }
}

/** Parses `ENCRYPTION_KEYS` (`kid:base64key,kid2:base64key`); the first entry is the current key. */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) {
    throw new Error('ENCRYPTION_KEYS is empty: expected "kid:base64key[,kid2:base64key…]"');
  }
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const position = `ENCRYPTION_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      throw new Error(`${position}: expected "kid:base64key" (no ":" found)`);
    }
    const kid = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KID_PATTERN.test(kid)) {
      throw new Error(`${position}: key id must be 1-64 characters of A-Z a-z 0-9 _ -`);
    }
    if (seen.has(kid)) {
      throw new Error(`${position} (kid "${kid}"): duplicate key id`);
    }
    seen.add(kid);
    const key = decodeBase64Key(encoded);
    if (key === null) {
      throw new Error(`${position} (kid "${kid}"): key is not valid base64`);
    }
    if (key.length !== KEY_BYTES) {
      throw new Error(`${position} (kid "${kid}"): key must decode to ${KEY_BYTES} bytes, got ${key.length}`);
    }
    return { kid, key };
  });
}

/** Accepts standard base64 (with or without padding) and base64url; null when invalid. */
function decodeBase64Key(encoded: string): Uint8Array | null {
  if (encoded.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) return null;
  try {
    return base64url.decode(encoded.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  } catch {
    return null;
  }
}

/** Builds a vault over the given keys (as returned by `parseEncryptionKeys`). */
export function createVault(keys: readonly EncryptionKey[]): Vault {
  const current = keys[0];
  if (!current) throw new Error('createVault needs at least one encryption key');
  const cryptoKeys = new Map<string, Promise<CryptoKey>>();
  for (const { kid, key } of keys) {
    if (key.length !== KEY_BYTES) throw new Error(`encryption key "${kid}" must be ${KEY_BYTES} bytes`);
    if (cryptoKeys.has(kid)) throw new Error(`duplicate encryption key id "${kid}"`);
    cryptoKeys.set(
      kid,
      crypto.subtle.importKey('raw', Uint8Array.from(key), { name: 'AES-GCM' }, false, [
        'encrypt',
        'decrypt',
      ]),
    );
  }

  const keyFor = (kid: string): Promise<CryptoKey> => {
    const key = cryptoKeys.get(kid);
    if (!key) throw new VaultError('unknown_kid', `secret was sealed with unknown key id "${kid}"`);
    return key;
  };

  const seal = async (plaintext: string, aad?: string): Promise<string> => {
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(current.kid, aad) },
      await keyFor(current.kid),
      new TextEncoder().encode(plaintext),
    );
    return [
      FORMAT_VERSION,
      current.kid,
      base64url.encode(iv),
      base64url.encode(new Uint8Array(ciphertext)),
    ].join('.');
  };

  const open = async (sealed: string, aad?: string): Promise<string> => {
    const parts = parseSealed(sealed);
    const key = await keyFor(parts.kid);
    let plaintext: ArrayBuffer;
    try {
      plaintext = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: parts.iv, additionalData: additionalData(parts.kid, aad) },
        key,
        parts.ciphertext,
      );
    } catch {
      throw new VaultError(
        'decrypt_failed',
        `secret sealed with key id "${parts.kid}" failed authentication (tampered, or bound to another owner)`,
      );
    }
    return new TextDecoder().decode(plaintext);
  };

  return {
    currentKid: current.kid,
    seal,
    open,
    needsRotation: (sealed) => parseSealed(sealed).kid !== current.kid,
    reseal: async (sealed, aad) => seal(await open(sealed, aad), aad),
  };
}

interface SealedParts {
  kid: string;
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}

function parseSealed(sealed: string): SealedParts {
  const parts = sealed.split('.');
  const [version, kid, iv, ciphertext] = parts;
  if (parts.length !== 4 || version !== FORMAT_VERSION || !kid || !iv || !ciphertext) {
    throw new VaultError(
      'malformed',
      `sealed secret is not in the "${FORMAT_VERSION}.<kid>.<iv>.<ciphertext>" format`,
    );
  }
  try {
    const ivBytes = Uint8Array.from(base64url.decode(iv));
    const ciphertextBytes = Uint8Array.from(base64url.decode(ciphertext));
    if (ivBytes.length !== IV_BYTES || ciphertextBytes.length < 16) throw new Error('bad lengths');
    return { kid, iv: ivBytes, ciphertext: ciphertextBytes };
  } catch {
    throw new VaultError('malformed', `sealed secret with key id "${kid}" has a malformed iv or ciphertext`);
  }
}

/** Authenticates the format version and key id with the caller's owner binding. */
function additionalData(kid: string, aad: string | undefined): Uint8Array<ArrayBuffer> {
  // kid never contains ".", so this join cannot be ambiguous.
  return Uint8Array.from(new TextEncoder().encode(`${FORMAT_VERSION}.${kid}.${aad ?? ''}`));
}
