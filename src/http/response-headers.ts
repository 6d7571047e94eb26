import type { Context } from 'hono';
import type { GatewayEnv } from './context';

/**
 * Headers the gateway adds to every response (request id, rate-limit state). Middleware put them in the
 * `responseHeaders` record on the context; `requestId` applies them once, after the handler, whatever kind of
 * Response the handler returned. (Hono's `c.header` after a handler either misses a returned Response or copies
 * the whole Response on every call.)
 */
export function addResponseHeaders(c: Context<GatewayEnv>, headers: Record<string, string>): void {
  Object.assign(c.get('responseHeaders'), headers);
}

/** Sets `headers` on the context's response: in place when it is mutable, else on one copy. */
export function applyResponseHeaders(c: Context<GatewayEnv>, headers: Record<string, string>): void {
  try {
    const target = c.res.headers;
    for (const name in headers) target.set(name, headers[name]!);
    return;
  } catch {
    // Immutable headers: a Response straight from fetch. Copy it once.
  }
  const copy = new Response(c.res.body, c.res);
  for (const name in headers) copy.headers.set(name, headers[name]!);
  c.res = undefined;
  c.res = copy;
}
