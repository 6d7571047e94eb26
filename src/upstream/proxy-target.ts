import { TtlCache } from '../cache/ttl-cache';
import { ApiError } from '../http/errors';

/** The two DocuSign APIs the passthrough proxy reaches. */
export type ProxyApi = 'esignature' | 'admin';

export interface ProxyTargetInput {
  api: ProxyApi;
  /** The part after `/proxy/{api}/`, still percent-encoded as received (`%2F` counts as a slash). */
  rawPath: string;
  /** The query string as received (`?a=b` or empty). */
  search: string;
  /** The account's recorded base URI, e.g. `https://demo.docusign.net`. */
  baseUri: string;
  /** DocuSign API account id (eSignature prefix). */
  accountId: string;
  /** Admin API base, e.g. `https://api-d.docusign.net/management`. */
  adminBase: string;
}

// RFC 3986 pchar minus ':' and '@' (no DocuSign path needs them; both help smuggle authority-like text).
const SEGMENT_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
// Query: pchar plus '/' and '?' (RFC 3986 §3.4); no fragment, no raw spaces or controls.
const QUERY_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;
// What a segment must not turn into at any level of percent-decoding.
const FORBIDDEN_DECODED = /[/\\?#@:]/;
// C0 controls and DEL, which could split or truncate the request line (CR LF injection, NUL).
const hasControl = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};
const MAX_DECODE_LEVELS = 4;

/**
 * Builds the DocuSign URL for a proxied call: `{baseUri}/restapi/v2.1/accounts/{accountId}/{path}` or
 * `{adminBase}/{path}`. Throws `invalid_request` for any path that could change host or leave the prefix.
 */
export function resolveProxyTarget(input: ProxyTargetInput): URL {
  const prefixUrl = prefixFor(input);
  // Generated clients percent-encode a path parameter's slashes; one level of `%2F` is read as a separator, and the
  // segments are then checked as if sent raw (so `..%2F..` is a dot segment, `%252F` still an encoded slash).
  const rawPath = input.rawPath.replace(/%2F/gi, '/');
  const segments = rawPath === '' ? [] : rawPath.split('/');
  segments.forEach((segment, index) => {
    // A trailing slash is harmless; an empty segment anywhere else (`//host`, `a//b`) is not.
    if (segment === '' && index === segments.length - 1 && index > 0) return;
    checkSegment(segment);
  });
  const search = checkSearch(input.search);

  const prefixPath = prefixUrl.pathname.replace(/\/+$/, '');
  const expectedPath = rawPath === '' ? prefixPath : `${prefixPath}/${rawPath}`;
  const target = new URL(`${prefixUrl.origin}${expectedPath}${search}`);

  // The parser must not have moved us: same origin, and the path exactly as built (no dot-segment folding).
  if (target.origin !== prefixUrl.origin || target.pathname !== expectedPath) {
    throw invalid('Proxy path does not stay under the DocuSign API prefix');
  }
  return target;
}

// Validated prefixes by account: the same few are built on every call. A prefix never goes stale.
const prefixes = new TtlCache<string, URL>({ maxEntries: 10_000, ttlMs: Number.POSITIVE_INFINITY });

function prefixFor(input: ProxyTargetInput): URL {
  const key = input.api === 'esignature' ? `e ${input.baseUri} ${input.accountId}` : `a ${input.adminBase}`;
  let prefix = prefixes.get(key);
  if (!prefix) {
    prefix = buildPrefix(input);
    prefixes.set(key, prefix);
  }
  return prefix;
}

function buildPrefix(input: ProxyTargetInput): URL {
  if (input.api === 'esignature') {
    if (!/^[A-Za-z0-9-]+$/.test(input.accountId)) {
      throw new ApiError('invalid_request', 'The integrated account has no valid DocuSign account id');
    }
    return new URL(`${trimSlash(trustedBase(input.baseUri))}/restapi/v2.1/accounts/${input.accountId}`);
  }
  return new URL(trimSlash(trustedBase(input.adminBase)));
}

function trustedBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ApiError('internal', 'Recorded DocuSign base URI is not a URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
    throw new ApiError('internal', 'Recorded DocuSign base URI is not a plain http(s) origin');
  }
  return `${url.origin}${url.pathname}`;
}

function checkSegment(segment: string): void {
  if (segment === '') throw invalid('Proxy path has an empty segment');
  if (!SEGMENT_CHARS.test(segment)) throw invalid('Proxy path has characters that are not allowed');
  let current = segment;
  for (let level = 0; level <= MAX_DECODE_LEVELS; level++) {
    if (isDotSegment(current))
      throw invalid('Proxy path may not contain dot segments (., .., ..;, %2e%2e, …)');
    if (FORBIDDEN_DECODED.test(current) || hasControl(current)) {
      throw invalid('Proxy path may not contain encoded slashes, backslashes, controls, "@" or ":"');
    }
    if (!current.includes('%')) return;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      throw invalid('Proxy path has malformed percent-encoding');
    }
    if (decoded === current) return;
    current = decoded;
  }
  throw invalid('Proxy path is percent-encoded too many times');
}

/**
 * `.` or `..` as any server might read it: with path parameters (`..;x`, which Tomcat-style servers strip before
 * resolving) or surrounding spaces. Applied at every level of percent-decoding (`%2e%2e`, `.%2E`).
 */
function isDotSegment(segment: string): boolean {
  const semicolon = segment.indexOf(';');
  const name = (semicolon === -1 ? segment : segment.slice(0, semicolon)).trim();
  return name === '.' || name === '..';
}

function checkSearch(search: string): string {
  if (search === '' || search === '?') return '';
  if (!search.startsWith('?') || !QUERY_CHARS.test(search.slice(1))) {
    throw invalid('Proxy query string has characters that are not allowed');
  }
  return search;
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function invalid(message: string): ApiError {
  return new ApiError('invalid_request', message);
}
