import { describe, expect, it } from 'vitest';
import {
  type CursorBinding,
  type CursorPayload,
  decodeCursor,
  encodeCursor,
  hashFilters,
  importCursorKey,
  parseLimit,
} from '../../../src/http/cursor';
import { ApiError } from '../../../src/http/errors';
import { fillPage, nextPosition } from '../../../src/unified/paging';

const NOW = Date.UTC(2026, 0, 1);
const binding: CursorBinding = {
  environmentId: 'env_1',
  integratedAccountId: 'ia_1',
  resource: 'user-directory/users',
  filtersHash: 'f1',
};
const payload: CursorPayload = { ...binding, offset: 200, accountIndex: 1, expiresAt: NOW + 60_000 };

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('cursor', async () => {
  const key = await importCursorKey('a-signing-secret-of-at-least-32-characters');
  const otherKey = await importCursorKey('another-signing-secret-of-32-characters!');

  it('round-trips the position, opaque and URL-safe', async () => {
    const token = await encodeCursor(payload, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('user-directory');
    expect(await decodeCursor(token, key, binding, NOW)).toEqual(payload);
  });

  it('signs with a key derived for cursors, not with the raw secret', async () => {
    const secret = 'a-signing-secret-of-at-least-32-characters';
    const token = await encodeCursor(payload, key);
    const [body, tag] = token.split('.');
    const rawKey = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const rawTag = Buffer.from(
      await crypto.subtle.sign('HMAC', rawKey, new TextEncoder().encode(body)),
    ).toString('base64url');
    expect(rawTag).not.toBe(tag);
  });

  it('rejects a tampered payload', async () => {
    const token = await encodeCursor(payload, key);
    const [body, tag] = token.split('.');
    const json = JSON.parse(Buffer.from(body!, 'base64url').toString());
    json.o = 0;
    const forged = `${Buffer.from(JSON.stringify(json)).toString('base64url')}.${tag}`;
    const err = await rejection(decodeCursor(forged, key, binding, NOW));
    expect(err).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(err.message).toMatch(/signature/);
  });

  it('rejects a cursor signed with another key, and garbage', async () => {
    const token = await encodeCursor(payload, otherKey);
    expect((await rejection(decodeCursor(token, key, binding, NOW))).message).toMatch(/signature/);
    for (const junk of ['', 'abc', 'a.b.c', '!!!.???', `${token}x`]) {
      expect((await rejection(decodeCursor(junk, key, binding, NOW))).code).toBe('invalid_request');
    }
  });

  it('rejects an expired cursor', async () => {
    const token = await encodeCursor(payload, key);
    expect((await rejection(decodeCursor(token, key, binding, payload.expiresAt))).message).toMatch(
      /expired/,
    );
    expect(await decodeCursor(token, key, binding, new Date(payload.expiresAt - 1))).toMatchObject({
      offset: 200,
    });
  });

  it('rejects a cursor from another environment, account, resource or filter set', async () => {
    const token = await encodeCursor(payload, key);
    for (const [change, reason] of [
      [{ environmentId: 'env_2' }, /another integrated account/],
      [{ integratedAccountId: 'ia_2' }, /another integrated account/],
      [{ resource: 'user-directory/groups' }, /another resource/],
      [{ filtersHash: 'f2' }, /different filters/],
    ] as const) {
      const err = await rejection(decodeCursor(token, key, { ...binding, ...change }, NOW));
      expect(err.message).toMatch(reason);
    }
  });

  it('hashes filters independently of key order and undefined values', async () => {
    const a = await hashFilters({ status: 'active', email: 'a@b', x: undefined });
    expect(await hashFilters({ email: 'a@b', status: 'active' })).toBe(a);
    expect(await hashFilters({ email: 'a@b', status: 'inactive' })).not.toBe(a);
  });

  it('walks all accounts in turn with one cursor position', () => {
    expect(nextPosition({ offset: 0, accountIndex: 0 }, 100, 3)).toEqual({ offset: 100, accountIndex: 0 });
    expect(nextPosition({ offset: 100, accountIndex: 0 }, null, 3)).toEqual({ offset: 0, accountIndex: 1 });
    expect(nextPosition({ offset: 0, accountIndex: 2 }, null, 3)).toBeNull();
    expect(nextPosition({ offset: 0, accountIndex: 0 }, null, 1)).toBeNull();
  });

  it('parses limit: default 100, 1–500, integers only', () => {
    expect(parseLimit(undefined)).toBe(100);
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit(500)).toBe(500);
    for (const bad of ['0', '501', '2.5', 'ten', -1]) expect(() => parseLimit(bad)).toThrow(ApiError);
  });
});

describe('fillPage', () => {
  /** An upstream of `total` numbered records serving at most `max` per call. */
  function upstream(total: number, max: number) {
    const calls: [number, number][] = [];
    const fetchPage = async (offset: number, size: number) => {
      calls.push([offset, size]);
      const items = Array.from(
        { length: Math.max(0, Math.min(size, max, total - offset)) },
        (_, i) => offset + i,
      );
      const end = offset + items.length;
      return { items, nextOffset: end < total ? end : null };
    };
    return { calls, fetchPage };
  }

  it('serves limit 250 from three upstream pages of at most 100', async () => {
    const u = upstream(1000, 100);
    const page = await fillPage({
      limit: 250,
      offset: 0,
      maxPageSize: 100,
      paged: true,
      fetchPage: u.fetchPage,
    });
    expect(page.items).toHaveLength(250);
    expect(page.items[249]).toBe(249);
    expect(page.nextOffset).toBe(250);
    expect(u.calls).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
    ]);
  });

  it('stops at the end of the data with a null next offset', async () => {
    const u = upstream(130, 100);
    const page = await fillPage({
      limit: 500,
      offset: 0,
      maxPageSize: 100,
      paged: true,
      fetchPage: u.fetchPage,
    });
    expect(page.items).toHaveLength(130);
    expect(page.nextOffset).toBeNull();
  });

  it('slices an unpaged list locally', async () => {
    const u = upstream(5, 1000);
    const first = await fillPage({
      limit: 2,
      offset: 0,
      maxPageSize: undefined,
      paged: false,
      fetchPage: u.fetchPage,
    });
    expect(first).toEqual({ items: [0, 1], nextOffset: 2 });
    const last = await fillPage({
      limit: 2,
      offset: 4,
      maxPageSize: undefined,
      paged: false,
      fetchPage: u.fetchPage,
    });
    expect(last).toEqual({ items: [4], nextOffset: null });
  });

  it('keeps only what fits when the upstream returns more than asked', async () => {
    const fetchPage = async (offset: number) => ({
      items: Array.from({ length: 20 }, (_, i) => offset + i),
      nextOffset: offset + 20,
    });
    const page = await fillPage({ limit: 5, offset: 10, maxPageSize: 100, paged: true, fetchPage });
    expect(page).toEqual({ items: [10, 11, 12, 13, 14], nextOffset: 15 });
  });
});

describe('cursor signature scheme', () => {
  it('is HKDF-SHA256 then HMAC-SHA256 exactly as WebCrypto computes them (cursors survive the implementation)', async () => {
    const secret = 'cursor:some-signing-secret';
    const cursor = await encodeCursor(payload, await importCursorKey(secret));
    const [body, tag] = cursor.split('.') as [string, string];

    const master = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
      'deriveKey',
    ]);
    const webKey = await crypto.subtle.deriveKey(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: new Uint8Array(0),
        info: new TextEncoder().encode('docusign-gateway/list-cursor/v1'),
      },
      master,
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      ['sign'],
    );
    const webTag = new Uint8Array(await crypto.subtle.sign('HMAC', webKey, new TextEncoder().encode(body)));
    expect(Buffer.from(webTag).toString('base64url')).toBe(tag);

    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('{"a":1}')));
    expect(await hashFilters({ a: 1, b: undefined })).toBe(
      Buffer.from(digest.slice(0, 16)).toString('base64url'),
    );
  });
});
