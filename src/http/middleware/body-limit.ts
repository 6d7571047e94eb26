import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { GatewayEnv } from '../context';
import { ApiError } from '../errors';

export interface BodyLimitOptions {
  maxBytes: number;
  /** Paths whose bodies of unknown length are streamed on (and counted by `limitStream`) instead of buffered. */
  streamingPaths: RegExp;
}

/**
 * Refuses request bodies over `maxBytes` with 413. A declared `content-length` is judged up front; a body of unknown
 * length is buffered up to the limit (hono's bodyLimit), except on streaming paths, where the route counts it with
 * `limitStream` as it flows. GET and HEAD are let through without looking: on Node, even asking whether a
 * request has a body builds a full web Request from the socket.
 */
export function bodySizeLimit(options: BodyLimitOptions) {
  const tooLarge = () => {
    throw payloadTooLarge(options.maxBytes);
  };
  const buffered = bodyLimit({ maxSize: options.maxBytes, onError: tooLarge });
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const declared = headers.get('content-length');
    if (declared !== null && !headers.has('transfer-encoding')) {
      if (Number.parseInt(declared, 10) > options.maxBytes) tooLarge();
      return next();
    }
    if (options.streamingPaths.test(c.req.path)) return next();
    return buffered(c, next);
  });
}

export function payloadTooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `Request body exceeds ${maxBytes} bytes`);
}

/**
 * `stream`, passing bytes through until more than `maxBytes` have flowed; then it errors with `payload_too_large`
 * and `exceeded()` turns true, so a caller that sees the consumer fail can tell why.
 */
export function limitStream(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): { stream: ReadableStream<Uint8Array>; exceeded: () => boolean } {
  let seen = 0;
  let over = false;
  const counted = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) {
          over = true;
          controller.error(payloadTooLarge(maxBytes));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  return { stream: counted, exceeded: () => over };
}
