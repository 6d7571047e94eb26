import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, type ErrorCode, errorBody } from './errors';
import type { Logger } from './logger';

// llhttp's and Node's codes for requests refused before any route sees them.
const REFUSALS: Record<string, { code: ErrorCode; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    code: 'headers_too_large',
    reason: 'Request Header Fields Too Large',
    message: 'The request line and headers are too large',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    code: 'payload_too_large',
    reason: 'Payload Too Large',
    message: 'The chunk extensions of the request body are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'request_timeout',
    reason: 'Request Timeout',
    message: 'The request took too long to arrive',
  },
};
const MALFORMED: { code: ErrorCode; reason: string; message: string } = {
  code: 'invalid_request',
  reason: 'Bad Request',
  message: 'Malformed HTTP request (invalid request line, header or framing, e.g. a raw CR or LF)',
};

/** The raw HTTP/1.1 response, in the one error shape with an `x-request-id`, for a request Node's parser refused. */
export function clientErrorResponse(code: string | undefined, requestId: string): string {
  const refusal = (code && REFUSALS[code]) || MALFORMED;
  const error = new ApiError(refusal.code, refusal.message);
  const body = JSON.stringify(errorBody(error, requestId));
  return (
    `HTTP/1.1 ${error.status} ${refusal.reason}\r\n` +
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
