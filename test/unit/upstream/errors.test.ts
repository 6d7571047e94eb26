import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import {
  docusignItemError,
  retryAfterMs,
  upstreamErrorFromResponse,
  withNotFoundCodes,
} from '../../../src/upstream/errors';
import { jsonResponse } from '../../helpers/fake-upstream';

describe('upstreamErrorFromResponse', () => {
  it.each([
    [400, 'invalid_request', 400],
    [422, 'invalid_request', 400],
    [404, 'not_found', 404],
    [409, 'conflict', 409],
  ] as const)(
    'turns DocuSign %i (the caller’s request) into %s %i with the eSignature body',
    async (upstream, code, status) => {
      const err = await upstreamErrorFromResponse(
        jsonResponse(upstream, { errorCode: 'INVALID_REQUEST_PARAMETER', message: 'bad count' }),
      );
      expect(err.code).toBe(code);
      expect(err.status).toBe(status);
      expect(err.details).toEqual({ errorCode: 'INVALID_REQUEST_PARAMETER', message: 'bad count' });
      expect(err.message).toContain('INVALID_REQUEST_PARAMETER - bad count');
    },
  );

  it.each([
    ['ENVELOPE_DOES_NOT_EXIST', 'not_found', 404],
    ['INVALID_USERID', 'not_found', 404],
    ['TEMPLATE_ID_INVALID', 'not_found', 404],
    ['ENVELOPE_CANNOT_VOID_INVALID_STATE', 'conflict', 409],
    ['SOME_FUTURE_INVALID_STATE', 'conflict', 409],
    ['USER_ALREADY_EXISTS_IN_ACCOUNT', 'conflict', 409],
    ['INVALID_REQUEST_BODY', 'invalid_request', 400],
  ] as const)('turns a 400 %s into %s %i', async (errorCode, code, status) => {
    const err = await upstreamErrorFromResponse(jsonResponse(400, { errorCode, message: 'no' }));
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.details).toEqual({ errorCode, message: 'no' });
  });

  it('maps 4xx the gateway caused (405, 406, …) to upstream_error 502', async () => {
    const err = await upstreamErrorFromResponse(new Response('nope', { status: 405 }));
    expect(err.code).toBe('upstream_error');
    expect(err.status).toBe(502);
    expect(err.details).toEqual({ body: 'nope' });
  });

  it('keeps the Admin API error shape', async () => {
    const err = await upstreamErrorFromResponse(
      jsonResponse(400, { error: 'invalid_request', error_description: 'account_id required' }),
    );
    expect(err.details).toEqual({ error: 'invalid_request', error_description: 'account_id required' });
    expect(err.message).toContain('account_id required');
  });

  it('turns a 401 into upstream_error 502 (the gateway key was fine; the DocuSign token was not)', async () => {
    const err = await upstreamErrorFromResponse(
      jsonResponse(401, { errorCode: 'USER_AUTHENTICATION_FAILED', message: 'expired' }),
    );
    expect(err.code).toBe('upstream_error');
    expect(err.status).toBe(502);
  });

  it('turns an Admin insufficient_scope 403 into forbidden naming the scope', async () => {
    const err = await upstreamErrorFromResponse(
      jsonResponse(403, { error: 'insufficient_scope', error_description: 'user_write' }),
    );
    expect(err.code).toBe('forbidden');
    expect(err.status).toBe(403);
    expect(err.message).toContain('missing permission: user_write');
  });

  it('names the scope from WWW-Authenticate when present', async () => {
    const res = new Response('', {
      status: 403,
      headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="organization_read"' },
    });
    expect((await upstreamErrorFromResponse(res)).message).toContain('organization_read');
  });

  it('turns eSignature USER_LACKS_PERMISSIONS into forbidden', async () => {
    const err = await upstreamErrorFromResponse(
      jsonResponse(403, {
        errorCode: 'USER_LACKS_PERMISSIONS',
        message: 'This user lacks sufficient permissions',
      }),
    );
    expect(err.code).toBe('forbidden');
    expect(err.message).toContain('USER_LACKS_PERMISSIONS');
  });

  it('turns 5xx into upstream_unavailable 503', async () => {
    const err = await upstreamErrorFromResponse(new Response('<html>bad gateway</html>', { status: 502 }));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.status).toBe(503);
  });

  it('turns 429 into rate_limited with retry-after', async () => {
    const err = await upstreamErrorFromResponse(
      new Response('', { status: 429, headers: { 'retry-after': '7' } }),
    );
    expect(err.code).toBe('rate_limited');
    expect(err.headers).toEqual({ 'retry-after': '7' });
  });

  it('treats the old 400 HOURLY_APINVOCATION_LIMIT_EXCEEDED as rate_limited, waiting for X-RateLimit-Reset', async () => {
    const now = 1_700_000_000_000;
    const res = jsonResponse(
      400,
      { errorCode: 'HOURLY_APINVOCATION_LIMIT_EXCEEDED', message: 'limit' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) },
    );
    const err = await upstreamErrorFromResponse(res, { now });
    expect(err.code).toBe('rate_limited');
    expect(err.headers).toEqual({ 'retry-after': '90' });
  });

  it('redacts given secrets from the body and truncates huge bodies', async () => {
    const err = await upstreamErrorFromResponse(
      new Response(`secret-token ${'x'.repeat(20_000)}`, { status: 400 }),
      {
        redact: ['secret-token'],
      },
    );
    const text = (err.details as { body: string }).body;
    expect(text).not.toContain('secret-token');
    expect(text.length).toBeLessThan(9_000);
  });
});

describe('docusignItemError', () => {
  it('classifies a per-item error of a bulk answer like a 400 with that code', () => {
    const err = docusignItemError({ errorCode: 'DUPLICATE_GROUP', message: 'exists' });
    expect(err).toMatchObject({ code: 'conflict', status: 409, message: 'DocuSign: exists' });
    expect(docusignItemError({ errorCode: 'INVALID_GROUP_NAME' })).toMatchObject({ code: 'invalid_request' });
  });
});

describe('withNotFoundCodes', () => {
  const codes = new Set(['INVALID_GROUP_ID']);

  it("turns a 400 with one of the mapping's codes into not_found, keeping DocuSign's details", () => {
    const err = withNotFoundCodes(docusignItemError({ errorCode: 'INVALID_GROUP_ID' }), codes, 'No group 7');
    expect(err).toMatchObject({ code: 'not_found', status: 404, message: 'No group 7' });
    expect(err.details).toEqual({ errorCode: 'INVALID_GROUP_ID' });
  });

  it('leaves other codes and other errors alone', () => {
    const other = docusignItemError({ errorCode: 'INVALID_REQUEST_BODY' });
    expect(withNotFoundCodes(other, codes, 'x')).toBe(other);
    const limited = new ApiError('rate_limited', 'slow down', { errorCode: 'INVALID_GROUP_ID' });
    expect(withNotFoundCodes(limited, codes, 'x')).toBe(limited);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('5', now)).toBe(5_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
