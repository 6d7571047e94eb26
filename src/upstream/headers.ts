/** Header plumbing shared by the upstream client and the proxy: one pass, plain records, no Headers copies. */

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are never forwarded. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export type HeaderInput = ConstructorParameters<typeof Headers>[0] | Headers;

// `connection: close, x-foo` also marks x-foo as hop-by-hop; only well-formed token names count.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/;

/**
 * The headers of `input` as a plain record with lower-case names, without hop-by-hop headers, without the
 * headers the `connection` header names, and without `drop`. A record is what undici's fetch and Node's
 * response writer take most cheaply; repeated names are joined with ", " as `Headers` does.
 */
export function forwardableHeaders(input: HeaderInput, drop: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input) return out;
  // No closures here: this runs twice per proxied call, and each closure costs under tsx's keepNames.
  // Headers already yields lower-case names.
  const lowerCase = isHeaders(input);
  const pairs: Iterable<[string, string]> = lowerCase
    ? (input as Iterable<[string, string]>)
    : Array.isArray(input)
      ? (input as Array<[string, string]>)
      : Object.entries(input as Record<string, string>);
  let connectionListed: string | undefined;
  for (const [rawName, value] of pairs) {
    const name = lowerCase ? rawName : rawName.toLowerCase();
    if (name === 'connection') connectionListed = value;
    else if (!HOP_BY_HOP_HEADERS.has(name) && !drop.has(name)) {
      out[name] = name in out ? `${out[name]}, ${value}` : value;
    }
  }
  if (connectionListed) {
    for (const listed of connectionListed.split(',')) {
      const token = listed.trim().toLowerCase();
      if (TOKEN.test(token)) delete out[token];
    }
  }
  return out;
}

function isHeaders(input: HeaderInput): input is Headers {
  // Duck-typed: undici's Headers and the platform's are different classes on Node.
  return typeof (input as Headers).forEach === 'function' && typeof (input as Headers).get === 'function';
}
