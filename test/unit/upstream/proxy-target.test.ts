import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { type ProxyTargetInput, resolveProxyTarget } from '../../../src/upstream/proxy-target';

const ACCOUNT = '2f1c8e3a-6b7d-4c5e-9f0a-1b2c3d4e5f60';
const base = {
  baseUri: 'https://demo.docusign.net',
  accountId: ACCOUNT,
  adminBase: 'https://api-d.docusign.net/management',
};

function esig(rawPath: string, search = ''): URL {
  return resolveProxyTarget({ ...base, api: 'esignature', rawPath, search });
}
function admin(rawPath: string, search = ''): URL {
  return resolveProxyTarget({ ...base, api: 'admin', rawPath, search });
}

describe('resolveProxyTarget: legitimate paths', () => {
  it('builds the eSignature URL under the account prefix', () => {
    expect(esig('users').toString()).toBe(`https://demo.docusign.net/restapi/v2.1/accounts/${ACCOUNT}/users`);
  });

  it('keeps GUIDs and nested resources', () => {
    const id = '8a4b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d';
    expect(esig(`envelopes/${id}/documents/1`).pathname).toBe(
      `/restapi/v2.1/accounts/${ACCOUNT}/envelopes/${id}/documents/1`,
    );
  });

  it('reads %2F-encoded slashes (what a generated client sends for the path parameter) as separators', () => {
    const id = '8a4b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d';
    expect(esig(`envelopes%2F${id}%2fdocuments%2F1`).pathname).toBe(
      `/restapi/v2.1/accounts/${ACCOUNT}/envelopes/${id}/documents/1`,
    );
    expect(admin('v2%2Forganizations').pathname).toBe('/management/v2/organizations');
  });

  it('passes the query string through, including encoded spaces in search text', () => {
    const url = esig('users', '?search_text=Jane%20Doe&count=10&start_position=20');
    expect(url.searchParams.get('search_text')).toBe('Jane Doe');
    expect(url.searchParams.get('count')).toBe('10');
    expect(url.search).toBe('?search_text=Jane%20Doe&count=10&start_position=20');
  });

  it('accepts an email in the query (where "@" belongs)', () => {
    const url = esig('users', '?email=jane%40example.com&additional_info=true');
    expect(url.searchParams.get('email')).toBe('jane@example.com');
    expect(url.origin).toBe('https://demo.docusign.net');
  });

  it('builds Admin API URLs under the admin base', () => {
    const org = 'c4a8e6f0-1b2d-4e3f-9a0b-5c6d7e8f9a0b';
    const url = admin(`v2/organizations/${org}/users`, '?account_id=abc&take=20');
    expect(url.toString()).toBe(
      `https://api-d.docusign.net/management/v2/organizations/${org}/users?account_id=abc&take=20`,
    );
  });

  it('keeps percent-encoded non-ASCII text and a trailing slash', () => {
    expect(esig('folders/Caf%C3%A9/').pathname).toBe(`/restapi/v2.1/accounts/${ACCOUNT}/folders/Caf%C3%A9/`);
  });

  it('allows the bare prefix (the account itself)', () => {
    expect(esig('').pathname).toBe(`/restapi/v2.1/accounts/${ACCOUNT}`);
  });

  it('respects a base URI that has a path (e.g. a local simulator mount)', () => {
    const url = resolveProxyTarget({
      ...base,
      baseUri: 'http://127.0.0.1:4010/docusign/',
      api: 'esignature',
      rawPath: 'users',
      search: '',
    });
    expect(url.toString()).toBe(`http://127.0.0.1:4010/docusign/restapi/v2.1/accounts/${ACCOUNT}/users`);
  });
});

// Each probe tries to leave the prefix or change the host.
const HOSTILE_PATHS: Array<[string, string]> = [
  ['plain dot-dot', '../../../other'],
  ['dot-dot in the middle', 'users/../../accounts/other/users'],
  ['single dot', './users'],
  ['trailing dot-dot', 'users/..'],
  ['encoded dot-dot lower', '%2e%2e/other'],
  ['encoded dot-dot mixed case', '%2E%2e/other'],
  ['half-encoded dot-dot', '.%2e/other'],
  ['encoded single dot', '%2e/users'],
  ['double-encoded dot-dot', '%252e%252e/other'],
  ['triple-encoded dot-dot', '%25252e%25252e/other'],
  ['encoded slash', 'users%2f..%2f..%2fother'],
  ['encoded slash upper', 'users%2F..'],
  ['double-encoded slash', 'users%252f..'],
  ['encoded slash then dot-dot', 'users%2F..%2Fother'],
  ['encoded slashes to an empty segment', 'users%2F%2Fx'],
  ['encoded leading slash', '%2Fevil.example'],
  ['encoded backslash', '..%5cother'],
  ['raw backslash', '..\\other'],
  ['protocol-relative host', '//evil.example/x'],
  ['leading slash', '/evil.example'],
  ['empty middle segment', 'users//x'],
  ['userinfo at-sign', '@evil.example/x'],
  ['encoded at-sign', '%40evil.example'],
  ['absolute URL', 'https://evil.example/x'],
  ['scheme only', 'javascript:alert(1)'],
  ['encoded colon scheme', 'https%3a%2f%2fevil.example'],
  ['CR LF injection', 'users\r\nHost: evil.example'],
  ['encoded CR LF', 'users%0d%0aHost:%20evil.example'],
  ['NUL byte', 'users\u0000'],
  ['encoded NUL', 'users%00'],
  ['tab', 'us\ters'],
  ['fragment', 'users#frag'],
  ['encoded fragment', 'users%23frag'],
  ['question mark in path', 'users?x=1'],
  ['raw space', 'users list'],
  ['malformed percent', 'users%zz'],
  ['lone percent', 'users%'],
  ['non-ASCII raw', 'usërs'],
  ['DEL character', 'users\u007f'],
];

describe('resolveProxyTarget: hostile paths are refused', () => {
  it.each(HOSTILE_PATHS)('refuses %s', (_name, rawPath) => {
    for (const api of ['esignature', 'admin'] as const) {
      let error: unknown;
      try {
        resolveProxyTarget({ ...base, api, rawPath, search: '' });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('invalid_request');
    }
  });

  it.each([
    ['fragment in the query', '?a=1#frag'],
    ['CR LF in the query', '?a=1\r\nHost: evil'],
    ['NUL in the query', '?a=\u0000'],
    ['raw space in the query', '?a=b c'],
    ['query without leading ?', 'a=1'],
  ])('refuses %s', (_name, search) => {
    expect(() => esig('users', search)).toThrow(ApiError);
  });

  it('refuses an account id that would itself add path segments', () => {
    const input: ProxyTargetInput = {
      ...base,
      accountId: '../x',
      api: 'esignature',
      rawPath: 'users',
      search: '',
    };
    expect(() => resolveProxyTarget(input)).toThrow(ApiError);
  });

  it('always lands on the recorded origin for every accepted path', () => {
    for (const raw of ['users', 'envelopes/abc/views/recipient', 'a.b/c~d', 'x%20y', '...']) {
      expect(esig(raw).origin).toBe('https://demo.docusign.net');
      expect(esig(raw).pathname.startsWith(`/restapi/v2.1/accounts/${ACCOUNT}/`)).toBe(true);
    }
  });
});
