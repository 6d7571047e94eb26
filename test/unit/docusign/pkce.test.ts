import { describe, expect, it } from 'vitest';
import { createPkcePair, pkceChallenge } from '../../../src/docusign/pkce';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates a 43-character verifier and its matching challenge', async () => {
    const pair = await createPkcePair();
    expect(pair.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.codeChallengeMethod).toBe('S256');
    expect(pair.codeChallenge).toBe(await pkceChallenge(pair.codeVerifier));
    expect((await createPkcePair()).codeVerifier).not.toBe(pair.codeVerifier);
  });
});
