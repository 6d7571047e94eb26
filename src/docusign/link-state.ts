import { base64url, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { ApiError } from '../http/errors';

/**
 * Signed, expiring, single-use tokens (HS256 JWT via jose): the OAuth `state` parameter and the
 * claims of short-lived link tokens. The audience separates the two uses so one cannot stand in
 * for the other; the nonce lets the caller refuse a second use.
 */

const ISSUER = 'docusign-unified-gateway';
const MIN_SECRET_BYTES = 32;

/** Audiences in use; a token signed for one fails verification for the other. */
export const LINK_STATE_AUDIENCE = { oauthState: 'oauth-state', linkToken: 'link-token' } as const;

export type LinkStateErrorReason = 'invalid' | 'expired' | 'wrong_audience' | 'replayed';

/** A state or link token that is tampered, expired, for another purpose, or already used. */
export class LinkStateError extends ApiError {
  constructor(
    readonly reason: LinkStateErrorReason,
    message: string,
  ) {
    super('invalid_request', message, { reason });
    this.name = 'LinkStateError';
  }
}

/** Remembers spent nonces until they expire; `consume` returns false when the nonce was already used. */
export interface NonceStore {
  consume(nonce: string, expiresAt: number): Promise<boolean>;
}

/** A verified token: the caller's claims plus the nonce and expiry (epoch ms). */
export interface VerifiedLinkState<T extends Record<string, unknown>> {
  claims: T;
  nonce: string;
  expiresAt: number;
}

export interface LinkStateSigner {
  /** Signs claims for an audience, valid for `ttlSeconds`; returns the token and its nonce. */
  sign<T extends Record<string, unknown>>(
    claims: T,
    options: { audience: string; ttlSeconds: number },
  ): Promise<{ token: string; nonce: string; expiresAt: number }>;
  /** Verifies signature, issuer, audience and expiry; with a nonce store, also single use. */
  verify<T extends Record<string, unknown>>(
    token: string,
    options: { audience: string; nonceStore?: NonceStore },
  ): Promise<VerifiedLinkState<T>>;
}

/** Reserved JWT claim names the caller cannot set. */
const RESERVED = ['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub', 'nonce'];

/** Creates a signer over a secret of at least 32 bytes (string secrets are taken as UTF-8). */
export function createLinkStateSigner(options: {
  secret: string | Uint8Array;
  now?: () => number;
}): LinkStateSigner {
  const secret =
    typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  if (secret.length < MIN_SECRET_BYTES) {
    throw new Error(`link state secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const now = options.now ?? Date.now;

  return {
    async sign(claims, { audience, ttlSeconds }) {
      const reserved = Object.keys(claims).filter((name) => RESERVED.includes(name));
      if (reserved.length > 0) throw new Error(`link state claims may not set ${reserved.join(', ')}`);
      if (!(ttlSeconds > 0)) throw new Error('link state ttlSeconds must be positive');
      const nonce = base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
      const issuedAt = Math.floor(now() / 1000);
      const expiresAtSeconds = issuedAt + Math.ceil(ttlSeconds);
      const token = await new SignJWT({ ...claims, nonce })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAtSeconds)
        .sign(secret);
      return { token, nonce, expiresAt: expiresAtSeconds * 1000 };
    },

    async verify<T extends Record<string, unknown>>(
      token: string,
      { audience, nonceStore }: { audience: string; nonceStore?: NonceStore },
    ): Promise<VerifiedLinkState<T>> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience,
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'iat', 'nonce'],
        }));
      } catch (err) {
        throw toLinkStateError(err);
      }
      const { nonce, exp, iss: _iss, aud: _aud, iat: _iat, ...claims } = payload;
      if (typeof nonce !== 'string' || typeof exp !== 'number') {
        throw new LinkStateError('invalid', 'state token is missing its nonce or expiry');
      }
      const expiresAt = exp * 1000;
      if (nonceStore && !(await nonceStore.consume(nonce, expiresAt))) {
        throw new LinkStateError('replayed', 'state token was already used');
      }
      return { claims: claims as T, nonce, expiresAt };
    },
  };
}

function toLinkStateError(err: unknown): LinkStateError {
  if (err instanceof errors.JWTExpired) return new LinkStateError('expired', 'state token has expired');
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') {
    return new LinkStateError('wrong_audience', 'state token was issued for another purpose');
  }
  return new LinkStateError('invalid', 'state token is invalid');
}

/** In-memory nonce store for a single process and for tests; production uses the database. */
export function createMemoryNonceStore(now: () => number = Date.now): NonceStore {
  const spent = new Map<string, number>();
  return {
    async consume(nonce, expiresAt) {
      const current = now();
      for (const [key, expiry] of spent) if (expiry <= current) spent.delete(key);
      if (spent.has(nonce)) return false;
      spent.set(nonce, expiresAt);
      return true;
    },
  };
}
