/** Largest request body buffered by default so that it can be replayed (retries, the 401 refresh). */
export const DEFAULT_MAX_BUFFERED_BODY = 1024 * 1024;

/**
 * The body of an incoming request in the form the upstream client should get: `null` when there is none, the
 * bytes when a `content-length` at most `maxBufferedBytes` is declared (replayable, so retries stay possible),
 * else the stream itself (large uploads are not held in memory and are therefore never retried).
 */
export async function replayableBody(
  req: Request,
  maxBufferedBytes = DEFAULT_MAX_BUFFERED_BODY,
): Promise<ArrayBuffer | ReadableStream<Uint8Array> | null> {
  // Checked before touching `req.body`: on Node that getter builds a full web Request from the socket.
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return null;
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= maxBufferedBytes) {
    return req.arrayBuffer();
  }
  return req.body;
}
