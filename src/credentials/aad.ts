/**
 * The one way to build the AAD a secret is sealed with: it binds the ciphertext to its row and purpose, so a sealed
 * value copied into another row or column fails to open.
 */
export type SealedField =
  | 'access_token'
  | 'refresh_token'
  | 'private_key'
  | 'client_secret'
  | 'pkce_verifier';

export function sealedAad(integratedAccountId: string, field: SealedField): string {
  // The PKCE verifier predates this helper and was sealed as `pkce:<id>`; keep that form so links in flight still open.
  if (field === 'pkce_verifier') return `pkce:${integratedAccountId}`;
  return `integrated_account:${integratedAccountId}:${field}`;
}

/** AAD of a DocuSign Connect HMAC key: bound to its row and its connection. */
export function connectKeyAad(integratedAccountId: string, keyId: string): string {
  return `integrated_account:${integratedAccountId}:connect_hmac_key:${keyId}`;
}

/** AAD of a webhook subscription's signing secret (`current` or `previous`, so the two cannot be swapped). */
export function webhookSecretAad(subscriptionId: string, which: 'current' | 'previous'): string {
  return `webhook_subscription:${subscriptionId}:secret:${which}`;
}
