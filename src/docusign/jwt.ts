import { base64url, type CryptoKey, SignJWT } from 'jose';
import { DocusignOAuthError } from './errors';
import { oauthAudience } from './hosts';

/** DocuSign accepts assertions valid for at most one hour. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

/** Claims of a JWT-grant assertion (DIGEST.md §1). */
export interface JwtAssertionParams {
  /** Integration key: the assertion's `iss`. */
  clientId: string;
  /** DocuSign user id to impersonate: the assertion's `sub`. */
  userId: string;
  /** OAuth base URL; the assertion's `aud` is its host without scheme. */
  oauthBase: string;
  scopes: readonly string[];
  /** Seconds since the epoch; the clock is the caller's. */
  issuedAt: number;
  /** Defaults to and is capped at one hour. */
  lifetimeSeconds?: number;
}

/** Signs a JWT-grant assertion (RS256) with an already imported key. */
export async function signJwtAssertion(privateKey: CryptoKey, params: JwtAssertionParams): Promise<string> {
  const lifetime = Math.min(
    params.lifetimeSeconds ?? MAX_ASSERTION_LIFETIME_SECONDS,
    MAX_ASSERTION_LIFETIME_SECONDS,
  );
  return new SignJWT({ scope: params.scopes.join(' ') })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(params.clientId)
    .setSubject(params.userId)
    .setAudience(oauthAudience(params.oauthBase))
    .setIssuedAt(params.issuedAt)
    .setExpirationTime(params.issuedAt + lifetime)
    .sign(privateKey);
}

const PEM_PATTERN = /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----([\s\S]*?)-----END \1?PRIVATE KEY-----/;

/**
 * Imports an RSA private key for RS256 from PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
 * (`BEGIN RSA PRIVATE KEY`, what DocuSign's console hands out). Fails with `invalid_private_key`
 * before any network call; the message never echoes the key.
 */
export async function importRsaPrivateKey(pem: string): Promise<CryptoKey> {
  // Keys pasted into environment variables often arrive with literal "\n".
  const match = PEM_PATTERN.exec(pem.replace(/\\n/g, '\n'));
  if (!match) {
    throw invalidKey(
      'private key is not a PEM block ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----")',
    );
  }
  if (match[1] === 'ENCRYPTED ') throw invalidKey('private key is encrypted; provide an unencrypted PEM key');
  const der = decodeBase64(match[2]!.replace(/\s+/g, ''));
  if (!der || der.length < 64) throw invalidKey('private key PEM body is not valid base64');
  const pkcs8 = match[1] === 'RSA ' ? wrapPkcs1InPkcs8(der) : der;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  } catch {
    throw invalidKey('private key could not be imported as an RSA key');
  }
  const modulusLength = (key.algorithm as { modulusLength?: number }).modulusLength ?? 0;
  if (modulusLength < 2048) throw invalidKey(`RSA key is ${modulusLength} bits; at least 2048 are required`);
  return key;
}

function invalidKey(message: string): DocusignOAuthError {
  return new DocusignOAuthError({ error: 'invalid_private_key', message });
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(base64url.decode(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')));
  } catch {
    return null;
  }
}

/** rsaEncryption AlgorithmIdentifier: SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }. */
const RSA_ALGORITHM_IDENTIFIER = [
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/** PKCS#8 PrivateKeyInfo (RFC 5208) around a PKCS#1 RSAPrivateKey, since WebCrypto only imports PKCS#8. */
function wrapPkcs1InPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  const octetString = [0x04, ...derLength(pkcs1.length)];
  const body = [0x02, 0x01, 0x00, ...RSA_ALGORITHM_IDENTIFIER, ...octetString];
  const header = [0x30, ...derLength(body.length + pkcs1.length)];
  const out = new Uint8Array(header.length + body.length + pkcs1.length);
  out.set(header, 0);
  out.set(body, header.length);
  out.set(pkcs1, header.length + body.length);
  return out;
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}
