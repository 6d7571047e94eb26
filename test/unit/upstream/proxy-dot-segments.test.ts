import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { resolveProxyTarget } from '../../../src/upstream/proxy-target';

const base = {
  baseUri: 'https://demo.docusign.net',
  accountId: '2f1c8e3a-6b7d-4c5e-9f0a-1b2c3d4e5f60',
  adminBase: 'https://api-d.docusign.net/management',
};

// Issue 11, finding 7: servers that strip `;parameters` (Tomcat and friends) resolve `..;` as `..`.
const DOT_SEGMENT_VARIANTS = [
  '..;/..;/users',
  'users/..;/..;/other',
  '..;x=1/other',
  '.;/users',
  '%2e%2e;/other',
  '..%3b/other',
  '%2e%2e%3B/other',
  '.%2e;/other',
  '..%253b/other',
  '..%20/other',
];

describe('resolveProxyTarget: every dot-segment variant is refused', () => {
  it.each(DOT_SEGMENT_VARIANTS)('refuses %s', (rawPath) => {
    for (const api of ['esignature', 'admin'] as const) {
      let error: unknown;
      try {
        resolveProxyTarget({ ...base, api, rawPath, search: '' });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(400);
    }
  });

  it('still allows names that merely start with dots or carry parameters', () => {
    const target = resolveProxyTarget({ ...base, api: 'esignature', rawPath: '.well-known/a;b', search: '' });
    expect(target.pathname).toMatch(/\/\.well-known\/a;b$/);
  });
});
