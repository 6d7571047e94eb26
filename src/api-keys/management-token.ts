import { base64url } from 'jose';

// Versioned purpose label: the token is this HMAC of the signing secret, usable for nothing else.
const PURPOSE = 'dgw key management v1';

/**
 * The bearer token of the key-management routes (`/admin/api-keys`): HMAC-SHA256 of a fixed purpose label under
 * `SIGNING_SECRET`. The gateway and `npm run keys` derive it from the same secret (set in the environment or kept in
 * `DATA_DIR/secrets.json`), so it is never stored or sent anywhere else; whoever holds the secret manages keys.
 */
export async function deriveManagementToken(signingSecret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(signingSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(PURPOSE));
  return `dgwm_${base64url.encode(new Uint8Array(mac))}`;
}

/** Compares a presented token with the expected one in time independent of where they differ. */
export function sameToken(presented: string, expected: string): boolean {
  if (presented.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < presented.length; i++) diff |= presented.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}
