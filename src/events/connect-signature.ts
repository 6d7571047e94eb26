/**
 * DocuSign Connect HMAC: each `X-DocuSign-Signature-N` header is the base64 HMAC-SHA256 of the raw body under one
 * of the account's Connect keys (several while keys rotate). WebCrypto's `verify` compares in constant time.
 */
import type { CryptoKey } from 'jose';

/** The values of every `X-DocuSign-Signature-N` header. */
export function connectSignatures(headers: Headers): string[] {
  const found: string[] = [];
  headers.forEach((value, name) => {
    if (/^x-docusign-signature-\d+$/i.test(name) && value.trim()) found.push(value.trim());
  });
  return found;
}

function decodeBase64(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    const bin = atob(value);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** A Connect HMAC key ready for verification (imported once, reused for every message). */
export function importConnectKey(key: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
}

/** True when any signature is a valid HMAC of `body` under any of `keys`. */
export async function verifyConnectSignature(
  body: Uint8Array<ArrayBuffer>,
  signatures: readonly string[],
  keys: readonly CryptoKey[],
): Promise<boolean> {
  const macs = signatures
    .map(decodeBase64)
    .filter((mac): mac is Uint8Array<ArrayBuffer> => mac?.length === 32);
  for (const key of keys) {
    for (const mac of macs) {
      if (await crypto.subtle.verify('HMAC', key, mac, body)) return true;
    }
  }
  return false;
}
