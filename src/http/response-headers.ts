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

/**
 * Hands the pending gateway headers to a handler that builds its own response (so it can write them in one go)
 * and leaves nothing for `requestId` to apply. Call it last, when nothing can throw any more.
 */
export function takeResponseHeaders(c: Context<GatewayEnv>): Record<string, string> {
  const headers = c.get('responseHeaders');
  c.set('responseHeaders', {});
  return headers;
}

/** Sets `headers` on the context's response: in place when it is mutable, else on one copy. */
export function applyResponseHeaders(c: Context<GatewayEnv>, headers: Record<string, string>): void {
  let empty = true;
  for (const _ in headers) {
    empty = false;
    break;
  }
  if (empty) return;
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
