/** Helpers shared by the eSignature route modules: error bodies, paging, body parsing. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SimContext, SimEnv } from '../context';

export type Ctx = Context<SimEnv>;

/** Thrown by handlers; rendered as DocuSign's `errorDetails` body. */
export class EsignError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly status: ContentfulStatusCode = 400,
  ) {
    super(message);
  }
}

/** Parses a JSON request body; a missing or malformed body is DocuSign's INVALID_REQUEST_BODY. */
export async function readJson<T>(c: Ctx): Promise<T> {
  try {
    const body = (await c.req.json()) as unknown;
    if (typeof body !== 'object' || body === null) throw new Error('not an object');
    return body as T;
  } catch {
    throw new EsignError('INVALID_REQUEST_BODY', 'The request body is missing or improperly formatted.');
  }
}

/** `start_position` / `count` with DocuSign's defaults; `count` is clamped to [0, max]. */
export function startAndCount(c: Ctx, max = 100, defaultCount = max): { start: number; count: number } {
  const start = Number.parseInt(c.req.query('start_position') ?? '0', 10);
  const count = Number.parseInt(c.req.query('count') ?? String(defaultCount), 10);
  if (Number.isNaN(start) || start < 0)
    throw new EsignError('INVALID_REQUEST_PARAMETER', 'Invalid start_position.');
  if (Number.isNaN(count) || count < 0) throw new EsignError('INVALID_REQUEST_PARAMETER', 'Invalid count.');
  // `count=0` asks for no items (DocuSign answers the totals only); above `max` the spec's maximum applies.
  return { start, count: Math.min(count, max) };
}

/** The paging fields of eSignature list responses; next/previous keep the request's other query parameters. */
export function pageFields(
  c: Ctx,
  sim: SimContext,
  start: number,
  returned: number,
  total: number,
  count: number,
): Record<string, string> {
  const url = new URL(c.req.url);
  const base = url.pathname.replace(/^\/restapi/, '');
  const uri = (position: number): string => {
    const q = new URLSearchParams(url.search);
    q.set('start_position', String(position));
    q.set('count', String(count));
    const relative = `${base}?${q.toString()}`;
    return sim.nextUriStyle === 'absolute' ? `${sim.origin}/restapi${relative}` : relative;
  };
  return {
    resultSetSize: String(returned),
    startPosition: String(start),
    endPosition: String(returned === 0 ? start : start + returned - 1),
    totalSetSize: String(total),
    // A page of count=0 has no next page to follow (its nextUri would repeat itself).
    nextUri: count > 0 && start + returned < total ? uri(start + returned) : '',
    previousUri: start > 0 ? uri(Math.max(0, start - count)) : '',
  };
}

/** Comma-separated query value as a set of lower-cased items. */
export function listParam(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Parses a DocuSign date parameter (ISO 8601 recommended); invalid dates are INVALID_REQUEST_PARAMETER. */
export function dateParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new EsignError('INVALID_REQUEST_PARAMETER', `The value of ${name} is not a valid date.`);
  return ms;
}

/** Requires the caller to be an account administrator. */
export function requireAdmin(c: Ctx): void {
  if (!c.get('membership').isAdmin) {
    throw new EsignError(
      'USER_LACKS_PERMISSIONS',
      'This user lacks sufficient permissions to access this resource.',
    );
  }
}

/** The value if it is a string. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** true for `true` and the string "true" (any case). */
export const truthy = (v: unknown): boolean =>
  v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
