import { createMiddleware } from 'hono/factory';
import type { GatewayEnv } from '../context';
import { applyResponseHeaders } from '../response-headers';

// Accept a caller's id only if it is short and plain, so it is safe to echo into headers and logs.
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Reads `x-request-id` from the client when well-formed, else generates one; echoes it on the response, together
 * with whatever other gateway headers later middleware added (`addResponseHeaders`).
 */
export const requestId = createMiddleware<GatewayEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id =
    incoming && WELL_FORMED.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll('-', '')}`;
  c.set('requestId', id);
  c.set('responseHeaders', { 'x-request-id': id });
  await next();
  applyResponseHeaders(c, c.get('responseHeaders'));
});
