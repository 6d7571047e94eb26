/** Clients, consents, authorization codes and tokens of the simulated DocuSign account server. */
import { randomToken } from './random';

export interface SimClient {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  publicKeyPem?: string;
}

export type GrantKind = 'authorization_code' | 'refresh_token' | 'jwt';

export interface AccessGrant {
  userId: string;
  clientId: string;
  scope: string;
  expiresMs: number;
  grant: GrantKind;
}

interface RefreshGrant {
  userId: string;
  clientId: string;
  scope: string;
  expiresMs: number;
  spent: boolean;
}

export interface AuthorizationCode {
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresMs: number;
  used: boolean;
}

export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  jwtAccessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface IssuedTokens {
  access_token: string;
  token_type: 'Bearer';
  refresh_token?: string;
  expires_in: number;
  scope: string;
}

/** The OAuth store's contents as plain data (see `OAuthStore.dump`). */
export interface OAuthDump {
  clients: SimClient[];
  consents: [string, string[]][];
  codes: [string, AuthorizationCode][];
  access: [string, AccessGrant][];
  refresh: [string, RefreshGrant][];
}

/** Token bookkeeping; tokens are opaque random strings. */
export class OAuthStore {
  readonly clients = new Map<string, SimClient>();
  /** `${userId}|${clientId}` -> consented scopes. */
  private readonly consents = new Map<string, Set<string>>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();

  constructor(
    private readonly now: () => number,
    readonly lifetimes: TokenLifetimes,
  ) {}

  registerClient(client: SimClient): void {
    this.clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }

  /** Sets the public key a client signs JWT assertions with (an unknown client is an error). */
  setPublicKey(clientId: string, publicKeyPem: string): void {
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`No client ${clientId} in the simulator`);
    client.publicKeyPem = publicKeyPem;
  }

  /** Records consent; without `scopes` the user consents to `signature` and `impersonation` (what JWT needs). */
  grantConsent(userId: string, clientId: string, scopes: string[] = ['signature', 'impersonation']): void {
    const key = `${userId}|${clientId}`;
    const set = this.consents.get(key) ?? new Set<string>();
    for (const s of scopes) set.add(s);
    this.consents.set(key, set);
  }

  revokeConsent(userId: string, clientId: string): void {
    this.consents.delete(`${userId}|${clientId}`);
  }

  /** Whether the user consented to every scope in `scopes`. */
  hasConsent(userId: string, clientId: string, scopes: string[] = []): boolean {
    const set = this.consents.get(`${userId}|${clientId}`);
    return set !== undefined && scopes.every((s) => set.has(s));
  }

  /** Stores a one-time authorization code (valid 2 minutes). */
  createCode(code: Omit<AuthorizationCode, 'expiresMs' | 'used'>): string {
    const value = randomToken(24);
    this.codes.set(value, { ...code, expiresMs: this.now() + 120_000, used: false });
    return value;
  }

  /** Marks a code used and returns it, or undefined when unknown, used or expired. */
  redeemCode(value: string): AuthorizationCode | undefined {
    const code = this.codes.get(value);
    if (!code || code.used || code.expiresMs <= this.now()) return undefined;
    code.used = true;
    return code;
  }

  /** Issues an access token, and a refresh token unless the grant is JWT. */
  issue(userId: string, clientId: string, scope: string, grant: GrantKind): IssuedTokens {
    const ttl =
      grant === 'jwt' ? this.lifetimes.jwtAccessTokenTtlSeconds : this.lifetimes.accessTokenTtlSeconds;
    const access_token = randomToken();
    this.access.set(access_token, { userId, clientId, scope, grant, expiresMs: this.now() + ttl * 1000 });
    const tokens: IssuedTokens = { access_token, token_type: 'Bearer', expires_in: ttl, scope };
    if (grant !== 'jwt') {
      const refresh_token = randomToken(48);
      this.refresh.set(refresh_token, {
        userId,
        clientId,
        scope,
        spent: false,
        expiresMs: this.now() + this.lifetimes.refreshTokenTtlSeconds * 1000,
      });
      tokens.refresh_token = refresh_token;
    }
    return tokens;
  }

  /** Spends a refresh token (rotation): it works exactly once, for the client it was issued to. */
  spendRefreshToken(value: string, clientId: string): RefreshGrant | undefined {
    const grant = this.refresh.get(value);
    if (!grant || grant.spent || grant.clientId !== clientId || grant.expiresMs <= this.now())
      return undefined;
    grant.spent = true;
    return grant;
  }

  /** The grant behind a bearer token, or a reason it is unusable. */
  lookupAccessToken(value: string): AccessGrant | 'expired' | 'unknown' {
    const grant = this.access.get(value);
    if (!grant) return 'unknown';
    if (grant.expiresMs <= this.now()) return 'expired';
    return grant;
  }

  /** Everything the store holds, for a state snapshot. */
  dump(): OAuthDump {
    return {
      clients: [...this.clients.values()],
      consents: [...this.consents].map(([k, v]) => [k, [...v]]),
      codes: [...this.codes],
      access: [...this.access],
      refresh: [...this.refresh],
    };
  }

  /** Replaces the store's contents with a dump. */
  load(dump: OAuthDump): void {
    this.clients.clear();
    for (const c of dump.clients) this.clients.set(c.clientId, c);
    this.consents.clear();
    for (const [k, v] of dump.consents) this.consents.set(k, new Set(v));
    this.codes.clear();
    for (const [k, v] of dump.codes) this.codes.set(k, v);
    this.access.clear();
    for (const [k, v] of dump.access) this.access.set(k, v);
    this.refresh.clear();
    for (const [k, v] of dump.refresh) this.refresh.set(k, v);
  }

  /** Invalidates every token of a user for a client (used when consent is revoked). */
  revokeTokens(userId: string, clientId: string): void {
    for (const [k, g] of this.access)
      if (g.userId === userId && g.clientId === clientId) this.access.delete(k);
    for (const [k, g] of this.refresh)
      if (g.userId === userId && g.clientId === clientId) this.refresh.delete(k);
  }
}
