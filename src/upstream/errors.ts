import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../http/errors';

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

  if (status === 429 || isRateLimitCode(details)) {
    const seconds =
      retryAfterSecondsFromHeaders(headers, options.now ?? Date.now()) ??
      options.fallbackRetryAfterSeconds ??
      1;
    return rateLimitedError(seconds, details);
  }
  if (status === 401) {
    return new ApiError(
      'upstream_error',
      `DocuSign rejected the connection's access token${suffix}`,
      details,
      502,
    );
  }
  if (status === 403) {
    const scope = missingScope(details, headers);
    const what = scope ? ` (missing permission: ${scope})` : '';
    return new ApiError('forbidden', `DocuSign refused the request${what}${suffix}`, details, 403);
  }
  if (status >= 500) {
    return new ApiError('upstream_unavailable', `DocuSign answered ${status}${suffix}`, details, 503);
  }
  const kept: ContentfulStatusCode | undefined = KEPT_STATUSES.has(status)
    ? (status as ContentfulStatusCode)
    : undefined;
  return new ApiError('upstream_error', `DocuSign answered ${status}${suffix}`, details, kept ?? 502);
}

const KEPT_STATUSES = new Set([400, 404, 409, 422]);

/** The `rate_limited` error with its `retry-after` header (whole seconds, at least 1). */
export function rateLimitedError(retryAfterSeconds: number, details?: unknown): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError('rate_limited', `DocuSign rate limit reached; retry after ${seconds} s`, details, 429, {
    'retry-after': String(seconds),
  });
}

/** The error for "no usable answer from DocuSign" (timeouts, resets, 5xx after retries). */
export function upstreamUnavailableError(message: string, details?: unknown): ApiError {
  return new ApiError('upstream_unavailable', message, details, 503);
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

function isRateLimitCode(details: UpstreamErrorDetails | undefined): boolean {
  // Older DocuSign responses report an exhausted hourly quota as a 400 with this code.
  return (
    stringField(details as Record<string, unknown> | undefined, 'errorCode') ===
    'HOURLY_APINVOCATION_LIMIT_EXCEEDED'
  );
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
