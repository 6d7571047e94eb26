import { ApiError, type ErrorCode } from '../http/errors';

// DocuSign error bodies are small; anything bigger is not an error description worth keeping whole.
const MAX_ERROR_BODY_CHARS = 8_192;

/** DocuSign's error body as far as we could read it: eSignature, Admin, or raw text. */
export type UpstreamErrorDetails =
  | { errorCode: string; message?: string }
  | { error: string; error_description?: string }
  | { body: string }
  | Record<string, unknown>;

export interface UpstreamErrorOptions {
  /** Strings that must never appear in the error (e.g. the access token that was sent). */
  redact?: string[];
  /** Seconds to put in `retry-after` on a 429 when DocuSign gave none. */
  fallbackRetryAfterSeconds?: number;
  /** Milliseconds clock, for `Retry-After` given as an HTTP date. */
  now?: number;
}

/** Translates a non-2xx DocuSign response into the gateway's ApiError (reads and consumes the body). */
export async function upstreamErrorFromResponse(
  res: Response,
  options: UpstreamErrorOptions = {},
): Promise<ApiError> {
  const details = await readErrorDetails(res, options.redact ?? []);
  return upstreamErrorFromParts(res.status, res.headers, details, options);
}

/** Same translation when the body has already been read (or was never there). */
export function upstreamErrorFromParts(
  status: number,
  headers: Headers,
  details: UpstreamErrorDetails | undefined,
  options: UpstreamErrorOptions = {},
): ApiError {
  const summary = summarize(details);
  const suffix = summary ? `: ${summary}` : '';
  const code = unifiedCodeFor(status, details);

  if (code === 'rate_limited') {
    const seconds =
      retryAfterSecondsFromHeaders(headers, options.now ?? Date.now()) ??
      options.fallbackRetryAfterSeconds ??
      1;
    return rateLimitedError(seconds, details);
  }
  if (status === 401) {
    return new ApiError(code, `DocuSign rejected the connection's access token${suffix}`, details);
  }
  if (code === 'forbidden') {
    const scope = missingScope(details, headers);
    const what = scope ? ` (missing permission: ${scope})` : '';
    return new ApiError(code, `DocuSign refused the request${what}${suffix}`, details);
  }
  return new ApiError(code, `DocuSign answered ${status}${suffix}`, details);
}

/**
 * DocuSign error codes whose meaning does not depend on the call, by the unified code the caller gets.
 * Codes naming an id that may sit in a request body (INVALID_GROUP_ID, …) are decided per method instead,
 * by a mapping's `not_found_codes` (see `withNotFoundCodes`).
 */
export const DOCUSIGN_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  ENVELOPE_DOES_NOT_EXIST: 'not_found',
  DOCUMENT_DOES_NOT_EXIST: 'not_found',
  TEMPLATE_ID_INVALID: 'not_found',
  INVALID_USERID: 'not_found',
  FOLDER_NOT_FOUND: 'not_found',
  RESOURCE_NOT_FOUND: 'not_found',
  ENVELOPE_CANNOT_VOID_INVALID_STATE: 'conflict',
  ENVELOPE_CANNOT_CORRECT_INVALID_STATE: 'conflict',
  ENVELOPE_INVALID_STATUS: 'conflict',
  ENVELOPE_CANNOT_BE_SENT: 'conflict',
  ENVELOPE_CANNOT_RESEND: 'conflict',
  RECIPIENT_ALREADY_SIGNED: 'conflict',
  USER_ALREADY_EXISTS_IN_ACCOUNT: 'conflict',
  DUPLICATE_GROUP: 'conflict',
  USER_LACKS_PERMISSIONS: 'forbidden',
  ACCOUNT_LACKS_PERMISSIONS: 'forbidden',
  // Older DocuSign responses report an exhausted hourly quota as a 400 with this code.
  HOURLY_APINVOCATION_LIMIT_EXCEEDED: 'rate_limited',
};

// Statuses by which DocuSign says the request itself was wrong: the caller gets a 4xx, never a 502.
const CALLER_STATUSES: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'invalid_request',
};

/**
 * The one decision from a DocuSign refusal (status and `errorCode`) to the unified error code.
 * 401 means the token failed even after the client's one refresh, a gateway-side failure (`upstream_error`);
 * other 4xx outside CALLER_STATUSES (405, 406, …) mean the gateway built a wrong request, so also `upstream_error`.
 */
export function unifiedCodeFor(status: number, details: UpstreamErrorDetails | undefined): ErrorCode {
  const known = knownCode(details);
  if (status === 429 || known === 'rate_limited') return 'rate_limited';
  if (status === 401) return 'upstream_error';
  if (status === 403) return 'forbidden';
  if (status >= 500) return 'upstream_unavailable';
  const byStatus = CALLER_STATUSES[status];
  if (!byStatus) return 'upstream_error';
  return known ?? byStatus;
}

function knownCode(details: UpstreamErrorDetails | undefined): ErrorCode | undefined {
  const code = docusignErrorCode(details);
  if (!code) return undefined;
  return DOCUSIGN_ERROR_CODES[code] ?? (code.includes('INVALID_STATE') ? 'conflict' : undefined);
}

/** DocuSign's eSignature `errorCode` of an error body or per-item error, if any. */
export function docusignErrorCode(details: unknown): string | undefined {
  return details && typeof details === 'object'
    ? stringField(details as Record<string, unknown>, 'errorCode')
    : undefined;
}

/** A per-item error inside a 2xx bulk answer (`errorDetails`), classified as if DocuSign had answered 400. */
export function docusignItemError(item: Record<string, unknown>): ApiError {
  const message = typeof item.message === 'string' ? item.message : 'DocuSign refused the item';
  return new ApiError(unifiedCodeFor(400, item), `DocuSign: ${message}`, item);
}

/**
 * Applies a mapping's `not_found_codes`: DocuSign answers an unknown id with a 400 and a code such as
 * INVALID_GROUP_ID, which means "no such id" only for the call whose path holds that id.
 */
export function withNotFoundCodes(
  err: ApiError,
  notFoundCodes: ReadonlySet<string>,
  message: string,
): ApiError {
  if (err.code !== 'invalid_request' && err.code !== 'not_found') return err;
  const code = docusignErrorCode(err.details);
  if (code === undefined || !notFoundCodes.has(code)) return err;
  return new ApiError('not_found', message, err.details);
}

/** The `rate_limited` error with its `retry-after` header (whole seconds, at least 1). */
export function rateLimitedError(retryAfterSeconds: number, details?: unknown): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError('rate_limited', `DocuSign rate limit reached; retry after ${seconds} s`, details, {
    'retry-after': String(seconds),
  });
}

/** The error for "no usable answer from DocuSign" (timeouts, resets, 5xx after retries). */
export function upstreamUnavailableError(message: string, details?: unknown): ApiError {
  return new ApiError('upstream_unavailable', message, details);
}

/** Seconds DocuSign asks us to wait: `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset` when exhausted. */
export function retryAfterSecondsFromHeaders(headers: Headers, now: number): number | undefined {
  const ms = retryAfterMs(headers.get('retry-after'), now);
  if (ms !== undefined) return ms / 1000;
  if (headers.get('x-ratelimit-remaining')?.trim() === '0') {
    const reset = resetAtMs(headers.get('x-ratelimit-reset'));
    if (reset !== undefined) return Math.max(0, reset - now) / 1000;
  }
  return undefined;
}

/** Parses `Retry-After` (RFC 9110 §10.2.3: delay-seconds or HTTP-date) into milliseconds from `now`. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** DocuSign's `X-RateLimit-Reset` is Unix epoch seconds; returns epoch milliseconds. */
export function resetAtMs(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

async function readErrorDetails(res: Response, redact: string[]): Promise<UpstreamErrorDetails | undefined> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    return undefined;
  }
  for (const secret of redact) if (secret) text = text.split(secret).join('[redacted]');
  if (text.length > MAX_ERROR_BODY_CHARS) text = `${text.slice(0, MAX_ERROR_BODY_CHARS)}…`;
  if (!text.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: keep the raw text.
  }
  return { body: text };
}

function summarize(details: UpstreamErrorDetails | undefined): string {
  if (!details) return '';
  const d = details as Record<string, unknown>;
  const code = stringField(d, 'errorCode') ?? stringField(d, 'error');
  const message = stringField(d, 'message') ?? stringField(d, 'error_description');
  const text = [code, message].filter(Boolean).join(' - ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function missingScope(details: UpstreamErrorDetails | undefined, headers: Headers): string | undefined {
  // RFC 6750 §3: `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`.
  const challenge = headers.get('www-authenticate') ?? '';
  const scope = /scope="([^"]*)"/i.exec(challenge)?.[1];
  if (scope) return scope;
  const d = details as Record<string, unknown> | undefined;
  const error = stringField(d, 'error');
  if (error === 'insufficient_scope') return stringField(d, 'error_description') ?? 'insufficient_scope';
  const code = stringField(d, 'errorCode');
  if (code === 'USER_LACKS_PERMISSIONS' || code === 'ACCOUNT_LACKS_PERMISSIONS') return code;
  return undefined;
}

function stringField(obj: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = obj?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
