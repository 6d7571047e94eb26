/**
 * Opaque list cursors: base64url JSON plus an HMAC-SHA256 tag. The hashing is `node:crypto`'s synchronous Hash and
 * Hmac (Workers have them under `nodejs_compat`): one WebCrypto call costs ~175 µs on Node 20 (a thread-pool round
 * trip), and a list page signs one cursor and hashes its filters.
 * A cursor is bound to the environment, the integrated account, the resource and a hash of the filters, expires,
 * and carries the paging position: the upstream offset (eSignature `start_position`, Admin `start`) and, for
 * connections that sync all DocuSign accounts of a user, the index of the current account, so one cursor walks
 * every account in turn.
 *
 * Page size: `limit` is 1–500 while DocuSign allows at most 100 users or groups per call. A unified page is filled
 * from up to ceil(limit / max_page_size) sequential upstream calls within ONE DocuSign account (see `fillPage` in unified/paging.ts);
 * it is shorter than `limit` only at the end of an account's data, and the cursor then moves to the next account.
 * Clients must rely on `next_cursor` being null, not on a short page, to detect the end.
 */
import { Buffer } from 'node:buffer';
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

/** The HMAC-SHA256 key cursors are signed with (derived by `importCursorKey`). */
export type CursorKey = Uint8Array;

/** What a cursor is bound to; a cursor presented with different values is rejected. */
export interface CursorBinding {
  environmentId: string;
  integratedAccountId: string;
  resource: string;
  filtersHash: string;
}

/** Where the next page starts. */
export interface CursorPosition {
  /** Upstream offset within the current DocuSign account. */
  offset: number;
  /** Index of the current DocuSign account in the connection's account list (0 for single-account connections). */
  accountIndex: number;
}

export interface CursorPayload extends CursorBinding, CursorPosition {
  /** Expiry, milliseconds since the epoch. */
  expiresAt: number;
}

/** Default cursor lifetime: 24 hours. */
export const DEFAULT_CURSOR_TTL_MS = 24 * 60 * 60 * 1000;

export const LIMIT_MIN = 1;
export const LIMIT_MAX = 500;
export const LIMIT_DEFAULT = 100;

/** The bytes of a base64url text, or null when it has other characters (Buffer would skip them silently). */
function fromBase64Url(text: string): Buffer | null {
  return /^[A-Za-z0-9_-]*$/.test(text) ? Buffer.from(text, 'base64url') : null;
}

function tagOf(body: string, key: CursorKey): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

/**
 * Derives the HMAC key cursors are signed with from the gateway's signing secret (HKDF-SHA256, RFC 5869, with a
 * cursor-specific `info`), so the same secret can sign other things without a cursor ever verifying as them.
 */
export async function importCursorKey(secret: string | Uint8Array): Promise<CursorKey> {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), 'docusign-gateway/list-cursor/v1', 32));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A stable hash of the list filters (key order and undefined values do not matter). */
export async function hashFilters(filters: Record<string, unknown>): Promise<string> {
  return createHash('sha256').update(canonical(filters)).digest().subarray(0, 16).toString('base64url');
}

interface Wire {
  v: 1;
  e: string;
  a: string;
  r: string;
  f: string;
  o: number;
  i: number;
  x: number;
}

/** Signs a cursor. */
export async function encodeCursor(payload: CursorPayload, key: CursorKey): Promise<string> {
  const wire: Wire = {
    v: 1,
    e: payload.environmentId,
    a: payload.integratedAccountId,
    r: payload.resource,
    f: payload.filtersHash,
    o: payload.offset,
    i: payload.accountIndex,
    x: payload.expiresAt,
  };
  const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `${body}.${tagOf(body, key).toString('base64url')}`;
}

function invalid(reason: string): ApiError {
  return new ApiError('invalid_request', `invalid cursor: ${reason}`, { param: 'cursor' });
}

function isWire(value: unknown): value is Wire {
  if (value === null || typeof value !== 'object') return false;
  const w = value as Record<string, unknown>;
  return (
    w.v === 1 &&
    typeof w.e === 'string' &&
    typeof w.a === 'string' &&
    typeof w.r === 'string' &&
    typeof w.f === 'string' &&
    Number.isSafeInteger(w.o) &&
    (w.o as number) >= 0 &&
    Number.isSafeInteger(w.i) &&
    (w.i as number) >= 0 &&
    typeof w.x === 'number'
  );
}

/**
 * Verifies and decodes a cursor. Throws `invalid_request` (400) when it is malformed or tampered with, has
 * expired at `now`, or was issued for another environment, account, resource or set of filters.
 */
export async function decodeCursor(
  token: string,
  key: CursorKey,
  expected: CursorBinding,
  now: number | Date,
): Promise<CursorPayload> {
  const [body, tag, extra] = token.split('.');
  if (!body || !tag || extra !== undefined) throw invalid('malformed');
  const tagBytes = fromBase64Url(tag);
  const bodyBytes = fromBase64Url(body);
  if (!tagBytes || !bodyBytes) throw invalid('malformed');
  const expectedTag = tagOf(body, key);
  // timingSafeEqual takes equal lengths only; a tag of another length is simply wrong.
  if (tagBytes.length !== expectedTag.length || !timingSafeEqual(tagBytes, expectedTag))
    throw invalid('signature does not match');
  let wire: unknown;
  try {
    wire = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    throw invalid('malformed');
  }
  if (!isWire(wire)) throw invalid('malformed');
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (wire.x <= nowMs) throw invalid('expired; restart the listing without a cursor');
  if (wire.e !== expected.environmentId || wire.a !== expected.integratedAccountId) {
    throw invalid('issued for another integrated account');
  }
  if (wire.r !== expected.resource) throw invalid('issued for another resource');
  if (wire.f !== expected.filtersHash) throw invalid('issued for different filters');
  return {
    environmentId: wire.e,
    integratedAccountId: wire.a,
    resource: wire.r,
    filtersHash: wire.f,
    offset: wire.o,
    accountIndex: wire.i,
    expiresAt: wire.x,
  };
}

/** Validates the unified `limit` param: absent → 100, else an integer in 1–500. */
export function parseLimit(value: string | number | undefined | null): number {
  if (value === undefined || value === null || value === '') return LIMIT_DEFAULT;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < LIMIT_MIN || n > LIMIT_MAX) {
    throw new ApiError('invalid_request', `limit must be an integer from ${LIMIT_MIN} to ${LIMIT_MAX}`, {
      param: 'limit',
    });
  }
  return n;
}
