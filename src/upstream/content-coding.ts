/**
 * Which content codings a transport decodes. fetch decodes these (and keeps the `content-encoding` header); the
 * Node transport decodes the same ones and drops the header. A body in any other coding (zstd, say) arrives as
 * DocuSign sent it, and its `content-encoding` and `content-length` still describe it.
 */
export const DECODED_CODINGS = ['gzip', 'x-gzip', 'deflate', 'br'] as const;
export type DecodedCoding = (typeof DECODED_CODINGS)[number];

const decoded: ReadonlySet<string> = new Set(DECODED_CODINGS);

/**
 * Whether the transport decoded the body these headers came with: every coding named is one it decodes (fetch
 * decodes none of them when one is unknown). Then `content-encoding` and `content-length` no longer describe it.
 */
export function bodyWasDecoded(headers: Headers): boolean {
  const value = headers.get('content-encoding');
  if (value === null) return false;
  const codings = value
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.length > 0 && codings.every((coding) => decoded.has(coding));
}
