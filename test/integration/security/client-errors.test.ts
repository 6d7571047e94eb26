import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors } from '../../../src/http/client-error';
import { createMemoryLogger } from '../../helpers/create-test-app';
import { parseRawResponse, rawHttp } from '../../helpers/raw-http';

// Issue 11, finding 7: what Node's own parser refuses leaves in the one error shape with an x-request-id.
let server: Server;
let port: number;
const logger = createMemoryLogger();
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  answerClientErrors(server, logger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const CASES: [string, string, number][] = [
  ['headers over 16 KiB', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ['a URL over 16 KiB', `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
  ['a raw CR inside a header', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n', 400],
  ['a raw LF in the request line', 'GET /a\nb HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ['a garbage request line', 'HELLO\r\n\r\n', 400],
  [
    'conflicting framing headers',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    400,
  ],
];

describe('requests refused by the HTTP parser', () => {
  it.each(CASES)('%s: answered in the error shape with an x-request-id', async (_name, request, status) => {
    const response = parseRawResponse(await rawHttp(port, request));
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/json');
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
    const body = JSON.parse(response.body);
    const code = {
      400: 'invalid_request',
      408: 'request_timeout',
      413: 'payload_too_large',
      431: 'headers_too_large',
    }[status as number];
    expect(body.error).toMatchObject({ code, status, request_id: requestId });
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it('still serves well-formed requests', async () => {
    expect(
      parseRawResponse(await rawHttp(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status,
    ).toBe(200);
  });
});
