import { describe, expect, it } from 'vitest';
import {
  createLinkStateSigner,
  createMemoryNonceStore,
  LINK_STATE_AUDIENCE,
  LinkStateError,
} from '../../../src/docusign/link-state';

const secret = 'a-test-secret-that-is-at-least-32-bytes-long';

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('link state', () => {
  it('roundtrips claims with a nonce and an expiry', async () => {
    const time = clock(Date.UTC(2026, 0, 1));
    const signer = createLinkStateSigner({ secret, now: time.now });
    const signed = await signer.sign(
      { link_token_id: 'lt_1' },
      { audience: LINK_STATE_AUDIENCE.oauthState, ttlSeconds: 600 },
    );
    expect(signed.expiresAt).toBe(Date.UTC(2026, 0, 1) + 600_000);
    const verified = await signer.verify<{ link_token_id: string }>(signed.token, {
      audience: LINK_STATE_AUDIENCE.oauthState,
    });
    expect(verified).toEqual({
      claims: { link_token_id: 'lt_1' },
      nonce: signed.nonce,
      expiresAt: signed.expiresAt,
    });
  });

  it('rejects a tampered token', async () => {
    const signer = createLinkStateSigner({ secret });
    const { token } = await signer.sign(
      { link_token_id: 'lt_1' },
      { audience: 'oauth-state', ttlSeconds: 60 },
    );
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), link_token_id: 'lt_2' }),
    ).toString('base64url');
    await expect(
      signer.verify(`${header}.${forged}.${signature}`, { audience: 'oauth-state' }),
    ).rejects.toMatchObject({
      reason: 'invalid',
      code: 'invalid_request',
    });
  });

  it('rejects a token signed with another secret', async () => {
    const other = createLinkStateSigner({ secret: `${secret}-other` });
    const { token } = await other.sign({}, { audience: 'oauth-state', ttlSeconds: 60 });
    await expect(
      createLinkStateSigner({ secret }).verify(token, { audience: 'oauth-state' }),
    ).rejects.toBeInstanceOf(LinkStateError);
  });

  it('rejects an expired token', async () => {
    const time = clock(Date.UTC(2026, 0, 1));
    const signer = createLinkStateSigner({ secret, now: time.now });
    const { token } = await signer.sign({}, { audience: 'oauth-state', ttlSeconds: 60 });
    time.advance(61_000);
    await expect(signer.verify(token, { audience: 'oauth-state' })).rejects.toMatchObject({
      reason: 'expired',
    });
  });

  it('rejects a token issued for another audience', async () => {
    const signer = createLinkStateSigner({ secret });
    const { token } = await signer.sign({}, { audience: LINK_STATE_AUDIENCE.linkToken, ttlSeconds: 60 });
    await expect(signer.verify(token, { audience: LINK_STATE_AUDIENCE.oauthState })).rejects.toMatchObject({
      reason: 'wrong_audience',
    });
  });

  it('refuses a second use when given a nonce store', async () => {
    const signer = createLinkStateSigner({ secret });
    const nonceStore = createMemoryNonceStore();
    const { token } = await signer.sign({}, { audience: 'link-token', ttlSeconds: 60 });
    await signer.verify(token, { audience: 'link-token', nonceStore });
    await expect(signer.verify(token, { audience: 'link-token', nonceStore })).rejects.toMatchObject({
      reason: 'replayed',
    });
  });

  it('refuses short secrets and reserved claim names', async () => {
    expect(() => createLinkStateSigner({ secret: 'short' })).toThrow(/at least 32 bytes/);
    const signer = createLinkStateSigner({ secret });
    await expect(signer.sign({ exp: 1 }, { audience: 'x', ttlSeconds: 60 })).rejects.toThrow(
      /may not set exp/,
    );
  });
});
