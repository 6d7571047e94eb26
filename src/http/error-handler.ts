import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { GatewayEnv } from './context';
import { ApiError, errorBody } from './errors';
import { loggableError } from './loggable-error';
import type { Logger } from './logger';

/** Turns anything thrown into the one error shape; unexpected errors are logged and become `internal`. */
export function createErrorHandler(logger: Logger): ErrorHandler<GatewayEnv> {
  return (err, c) => {
    const apiError = toApiError(err);
    if (apiError.code === 'internal' && c.req.raw.signal?.aborted) {
      // The caller left and the work done for it was stopped (its DocuSign reads aborted): not a gateway fault.
      logger.info('caller closed the request before the answer', { request_id: requestIdOf(c) });
    } else if (apiError.code === 'internal') {
      logger.error('unhandled error', { request_id: requestIdOf(c), ...loggableError(err) });
    }
    return sendError(c, apiError);
  };
}

/** Unknown routes: 404 in the error shape. */
export const notFoundHandler: NotFoundHandler<GatewayEnv> = (c) =>
  sendError(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`));

/** Writes an ApiError as the JSON error body with its status and headers. */
export function sendError(c: Context<GatewayEnv>, err: ApiError): Response {
  for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
  return c.json(errorBody(err, requestIdOf(c)), err.status);
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new ApiError('payload_too_large', 'Request body is too large');
    if (err.status === 400) return new ApiError('invalid_request', err.message || 'Malformed request');
    if (err.status === 401) return new ApiError('unauthorized', err.message || 'Unauthorized');
    if (err.status === 415) return unsupportedMediaType();
    // Any other refusal the framework raises stays a 4xx, in the one error shape.
    if (err.status >= 400 && err.status < 500) {
      return new ApiError('invalid_request', err.message || 'Malformed request');
    }
  }
  if (err instanceof SyntaxError) return new ApiError('invalid_request', 'Request body is not valid JSON');
  return new ApiError('internal', 'Internal error; the request id identifies it in the logs');
}

/** 415 for a body route called without `content-type: application/json` (e.g. a plain `curl -d`). */
function unsupportedMediaType(): ApiError {
  return new ApiError(
    'unsupported_media_type',
    'Unsupported content type: send the body as JSON with the header "content-type: application/json"',
  );
}

function requestIdOf(c: Context<GatewayEnv>): string {
  return c.get('requestId') ?? 'unknown';
}
