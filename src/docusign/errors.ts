import { ApiError, type ErrorCode } from '../http/errors';

/**
 * OAuth error codes: the RFC 6749 §5.2 set, DocuSign's `consent_required`, and our own for failures
 * that never produced an OAuth error body.
 */
export type DocusignOAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'consent_required'
  | 'invalid_token'
  | 'invalid_private_key'
  | 'network_error'
  | 'server_error'
  | 'invalid_response'
  | (string & {});

/** A failed call to DocuSign's OAuth server. Never carries tokens, secrets or key material. */
export class DocusignOAuthError extends ApiError {
  /** The OAuth `error` (e.g. `invalid_grant`), or one of ours (`network_error`, `invalid_private_key`, …). */
  readonly error: DocusignOAuthErrorCode;
  /** DocuSign's `error_description`, shortened; null when absent. */
  readonly description: string | null;
  /** HTTP status DocuSign answered with; null when no response arrived. */
  readonly httpStatus: number | null;
  /** For `consent_required`: the URL the user must open to grant consent. */
  readonly consentUrl: string | null;

  constructor(init: {
    error: DocusignOAuthErrorCode;
    description?: string | null;
    httpStatus?: number | null;
    consentUrl?: string | null;
    message?: string;
  }) {
    const description = init.description ? init.description.slice(0, 300) : null;
    const httpStatus = init.httpStatus ?? null;
    const message =
      init.message ??
      `DocuSign OAuth error ${init.error}${description ? `: ${description}` : ''}${httpStatus ? ` (HTTP ${httpStatus})` : ''}`;
    super(apiErrorCodeFor(init.error, httpStatus), message, {
      oauth_error: init.error,
      description,
      upstream_status: httpStatus,
      consent_url: init.consentUrl ?? null,
    });
    this.name = 'DocusignOAuthError';
    this.error = init.error;
    this.description = description;
    this.httpStatus = httpStatus;
    this.consentUrl = init.consentUrl ?? null;
  }
}

/** The gateway error code a client sees when this OAuth failure reaches a response. */
function apiErrorCodeFor(error: string, httpStatus: number | null): ErrorCode {
  if (error === 'invalid_grant' || error === 'consent_required') return 'needs_reauth';
  if (error === 'invalid_private_key') return 'invalid_request';
  if (httpStatus === 429) return 'rate_limited';
  if (error === 'network_error' || (httpStatus !== null && httpStatus >= 500)) return 'upstream_unavailable';
  return 'upstream_error';
}

export type DocusignAccountErrorReason = 'no_usable_account' | 'account_not_found';

/** `/oauth/userinfo` did not yield the account(s) a connection needs (DESIGN.md §5: fail loudly). */
export class DocusignAccountError extends ApiError {
  constructor(
    readonly reason: DocusignAccountErrorReason,
    message: string,
    /** Account ids that were usable, to help the user pick one. */
    readonly availableAccountIds: string[] = [],
  ) {
    super('invalid_request', message, { reason, available_account_ids: availableAccountIds });
    this.name = 'DocusignAccountError';
  }
}
