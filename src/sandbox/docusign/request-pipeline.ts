/** The simulator's outermost middleware: injected faults and the request log. */
import type { MiddlewareHandler } from 'hono';
import type { SimContext, SimEnv } from './context';
import { CONTROL_PREFIX } from './control/prefix';
import { ConnectionResetFault, slowStream } from './faults';
import type { SimApi } from './request-log';

function classify(path: string): SimApi {
  if (path.startsWith('/oauth/')) return 'oauth';
  if (path.startsWith('/restapi/')) return 'esignature';
  if (path.startsWith('/management/')) return 'admin';
  if (path.startsWith(`${CONTROL_PREFIX}/`)) return 'control';
  return 'other';
}

/** Applies matching fault rules, runs the request and records it in `sim.log` (also when a fault resets it). */
export function requestPipeline(sim: SimContext): MiddlewareHandler<SimEnv> {
  const now = sim.now;
  return async (c, next) => {
    const url = new URL(c.req.url);
    const path = url.pathname.replace(/^\/management(?=\/|$)/i, '/management');
    const api = classify(path);
    c.set('api', api);
    const at = now();
    let status = 0;
    try {
      // Faults never touch the control API: a test must be able to switch them off again.
      const rules = api === 'control' ? [] : sim.faults.matching(c.req.raw);
      for (const rule of rules) {
        const delay = sim.faults.latencyOf(rule);
        if (delay > 0) {
          c.set('fault', 'latency');
          await new Promise((r) => setTimeout(r, delay));
        }
        if (rule.resetRate !== undefined && sim.faults.roll() < rule.resetRate) {
          c.set('fault', 'reset');
          throw new ConnectionResetFault();
        }
        if (rule.rateLimitStorm && rule.rateLimitStorm.count > 0) {
          rule.rateLimitStorm.count--;
          c.set('fault', 'rate_limit_storm');
          const retryAfter = rule.rateLimitStorm.retryAfterSeconds;
          // DocuSign's own limit headers, as on a real exhausted quota, plus Retry-After for generic clients.
          const headers = {
            'Retry-After': String(retryAfter),
            'X-RateLimit-Limit': String(sim.rateLimiter.hourly),
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': String(Math.ceil(now() / 1000) + retryAfter),
          };
          c.res =
            api === 'admin' || api === 'oauth'
              ? c.json(
                  { error: 'too_many_requests', error_description: 'Rate limit exceeded.' },
                  429,
                  headers,
                )
              : c.json(
                  {
                    errorCode: 'HOURLY_APINVOCATION_LIMIT_EXCEEDED',
                    message: 'The maximum number of hourly API invocations has been exceeded.',
                  },
                  429,
                  headers,
                );
          status = 429;
          return;
        }
        if (rule.errorRate !== undefined && sim.faults.roll() < rule.errorRate) {
          c.set('fault', 'error');
          const s = rule.errorStatus ?? 503;
          c.res =
            api === 'admin' || api === 'oauth'
              ? c.json({ error: 'server_error', error_description: 'Simulated upstream failure.' }, s)
              : c.json({ errorCode: 'SERVICE_UNAVAILABLE', message: 'Simulated upstream failure.' }, s);
          status = s;
          return;
        }
      }
      await next();
      status = c.res.status;
      const slow = rules.find((r) => r.slowBody)?.slowBody;
      if (slow && c.res.body) {
        c.set('fault', 'slow_body');
        c.res = new Response(slowStream(c.res.body, slow.bytesPerChunk, slow.delayMs), c.res);
      }
    } finally {
      let grantType: string | undefined;
      let accountId: string | undefined;
      let userId: string | undefined;
      try {
        grantType = c.get('grantType');
        accountId = c.get('account')?.accountId;
        userId = c.get('grant')?.userId;
      } catch {
        // variables are unset for early failures
      }
      // The control API is the tester talking to the sandbox, not DocuSign traffic: it is not logged.
      if (api !== 'control')
        sim.log.record({
          at,
          method: c.req.method,
          path,
          query: Object.fromEntries(url.searchParams),
          status,
          api,
          grantType,
          accountId: accountId ?? (api === 'admin' ? path.match(/\/accounts\/([^/]+)/)?.[1] : undefined),
          userId,
          fault: c.get('fault'),
        });
    }
  };
}
