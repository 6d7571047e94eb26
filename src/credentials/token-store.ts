/**
 * What the token manager needs from storage: the credential columns of one integrated account, read
 * without a lock on the fast path and read-modify-written under an exclusive row lock when refreshing.
 * The PostgreSQL implementation runs `withLock` as a transaction around `SELECT … FOR UPDATE` on the
 * `integrated_accounts` row, so a refresh token is spent by exactly one process.
 */

/** DESIGN.md §5 connection statuses. */
export type IntegratedAccountStatus = 'connecting' | 'active' | 'needs_reauth' | 'validation_error';

/** How the connection obtains access tokens. */
export type GrantType = 'authorization_code' | 'jwt';

/** The credential state of one integrated account; token fields are vault-sealed. */
export interface TokenRow {
  id: string;
  status: IntegratedAccountStatus;
  grantType: GrantType;
  accessTokenSealed: string | null;
  /** Null for JWT-grant connections. */
  refreshTokenSealed: string | null;
  /** Epoch ms; null when no access token is held. */
  expiresAt: number | null;
  scopes: string[];
  /** DocuSign user id the JWT grant impersonates (`sub`); null for code-grant connections. */
  docusignUserId: string | null;
  /** Failed refreshes in a row, for the cooldown's back-off. */
  refreshFailures: number;
  /** Epoch ms before which no refresh is attempted (cooldown after a failure); null when none. */
  refreshRetryAt: number | null;
  /** Last refresh error, without secret material. */
  lastError: string | null;
}

/** The columns a refresh may change. */
export type TokenRowPatch = Partial<Omit<TokenRow, 'id' | 'grantType' | 'docusignUserId'>>;

/** An event to append in the same transaction (the `events` table, delivered later by the outbox). */
export interface TokenEvent {
  type: 'integrated_account.needs_reauth';
  integratedAccountId: string;
  payload: Record<string, unknown>;
}

/** The row as read under the lock, with writes that commit when `withLock`'s callback resolves. */
export interface LockedTokenRow {
  row: TokenRow;
  update(patch: TokenRowPatch): Promise<void>;
  addEvent(event: TokenEvent): Promise<void>;
}

export interface TokenStore {
  /** Reads the row without locking; null when the account does not exist. */
  read(id: string): Promise<TokenRow | null>;
  /**
   * Runs `fn` holding an exclusive lock on the row, re-read after the lock was granted (a waiter sees
   * the previous holder's writes). Writes made through the handle commit together when `fn` resolves;
   * when `fn` throws they still commit (a failure is recorded), then the error propagates.
   * Resolves to null without calling `fn` when the account does not exist. `fn` must not touch the
   * database except through the handle: on PGlite a second query would wait for this transaction forever.
   */
  withLock<T>(id: string, fn: (locked: LockedTokenRow) => Promise<T>): Promise<T | null>;
}
