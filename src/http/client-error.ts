import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, errorBody } from './errors';
import type { Logger } from './logger';

// llhttp's and Node's codes for requests refused before any route sees them.
const REFUSALS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    message: 'The request line and headers are too large',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    reason: 'Payload Too Large',
    message: 'The chunk extensions of the request body are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    message: 'The request took too long to arrive',
  },
};
const MALFORMED = {
  status: 400,
  reason: 'Bad Request',
  message: 'Malformed HTTP request (invalid request line, header or framing, e.g. a raw CR or LF)',
};

/** The raw HTTP/1.1 response, in the one error shape with an `x-request-id`, for a request Node's parser refused. */
export function clientErrorResponse(code: string | undefined, requestId: string): string {
  const refusal = (code && REFUSALS[code]) || MALFORMED;
  const error = new ApiError(
    refusal.status === 413 ? 'payload_too_large' : 'invalid_request',
    refusal.message,
    undefined,
    refusal.status as 400,
  );
  const body = JSON.stringify(errorBody(error, requestId));
  return (
    `HTTP/1.1 ${refusal.status} ${refusal.reason}\r\n` +
    'content-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    `x-request-id: ${requestId}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}

/**
 * Answers what Node's HTTP parser refuses (431 headers too large, raw CR/LF, malformed request lines, …) in the one
 * error shape with an `x-request-id`, instead of Node's bare status line. Replaces Node's default `clientError`.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A response already under way on this socket cannot be followed by another: just close it.
    const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const requestId = `req_${crypto.randomUUID().replaceAll('-', '')}`;
    logger.warn('malformed request refused', { code: error.code, request_id: requestId });
    socket.end(clientErrorResponse(error.code, requestId));
  });
}
