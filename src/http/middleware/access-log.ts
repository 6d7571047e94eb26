import { createMiddleware } from 'hono/factory';
import type { GatewayEnv } from '../context';
import type { Logger } from '../logger';

/** Writes one log line per request: method, path (no query: it may carry ids), status, duration, request id. */
export function accessLog(logger: Logger, now: () => number) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const started = now();
    c.set('logger', logger);
    await next();
    logger.info('request', {
      method: c.req.method,
      path: loggablePath(c.req.path),
      status: c.get('sentStatus') ?? c.res.status,
      duration_ms: Math.round((now() - started) * 100) / 100,
      request_id: c.get('requestId'),
    });
  });
}

/** The path without bearer capabilities: a hosted connect link's token lets whoever holds it connect an account. */
function loggablePath(path: string): string {
  return path.replace(/^\/link\/[^/]+/, '/link/[redacted]');
}
