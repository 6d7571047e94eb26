import { createMiddleware } from 'hono/factory';
import type { GatewayEnv } from '../context';
import { ApiError } from '../errors';
import { findJsonTextProblem, MAX_JSON_DEPTH } from '../json-text-check';

export interface InputGuardOptions {
  /** Paths whose bodies stream through untouched (the proxy): only their URL is checked. */
  streamingPaths: RegExp;
  maxJsonDepth?: number;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const NUL_IN_URL = /%00/i;

/**
 * Refuses, with 400 before any route or database sees them, inputs PostgreSQL cannot store or the gateway cannot
 * handle safely: a NUL character (`%00`) anywhere in the URL (path and query parameters), and in JSON or form
 * bodies a NUL, a lone UTF-16 surrogate, or JSON nested deeper than `maxJsonDepth`. The body is read from a clone,
 * so later readers (validators, idempotency) still get it.
 */
export function inputGuard(options: InputGuardOptions) {
  const maxDepth = options.maxJsonDepth ?? MAX_JSON_DEPTH;
  return createMiddleware<GatewayEnv>(async (c, next) => {
    if (NUL_IN_URL.test(c.req.url)) {
      throw new ApiError('invalid_request', 'The URL contains a NUL character (%00), which is not allowed');
    }
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || options.streamingPaths.test(c.req.path)) return next();
    const type = c.req.header('content-type') ?? '';
    if (JSON_TYPE.test(type)) {
      const problem = findJsonTextProblem(await c.req.raw.clone().text(), maxDepth);
      if (problem) throw new ApiError('invalid_request', `Invalid body: ${problem}`);
    } else if (FORM_TYPE.test(type)) {
      const text = await c.req.raw.clone().text();
      if (NUL_IN_URL.test(text) || text.includes('\u0000')) {
        throw new ApiError('invalid_request', 'Invalid body: form fields may not contain the NUL character');
      }
    }
    return next();
  });
}
