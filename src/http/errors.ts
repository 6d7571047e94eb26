import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error code the gateway returns, with the HTTP status it maps to (DESIGN.md §3). */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  needs_reauth: 409,
  upstream_error: 502,
  upstream_unavailable: 503,
  not_supported: 501,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The one error type thrown anywhere in the gateway; `app.onError` turns it into the error body.
 * Its HTTP status always comes from the code (ERROR_STATUS), so a code can never travel with a foreign status.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. `retry-after` on `rate_limited`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

/** The JSON body every error response carries. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    status: number;
    request_id: string;
    details?: unknown;
  };
}

export function errorBody(err: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      status: err.status,
      request_id: requestId,
      ...(err.details === undefined ? {} : { details: err.details }),
    },
  };
}
