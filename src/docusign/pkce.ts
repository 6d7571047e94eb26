import { base64url } from 'jose';

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

/** Creates a random verifier (32 bytes → 43 base64url characters) and its S256 challenge. */
export async function createPkcePair(): Promise<PkcePair> {
  const codeVerifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  return { codeVerifier, codeChallenge: await pkceChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}

/** The S256 challenge of a verifier: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function pkceChallenge(codeVerifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return base64url.encode(new Uint8Array(digest));
}
