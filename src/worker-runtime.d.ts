// The Workers type-check (tsconfig.worker.json) has Cloudflare's types, not Node's; these are the Node built-ins the
// Worker uses under `nodejs_compat`.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}

// src/http/cursor.ts signs list cursors with these.
declare module 'node:buffer' {
  export class Buffer extends Uint8Array {
    static from(text: string, encoding?: 'utf8' | 'base64url'): Buffer;
    toString(encoding?: 'utf8' | 'base64url'): string;
    subarray(start?: number, end?: number): Buffer;
  }
}

declare module 'node:crypto' {
  import type { Buffer } from 'node:buffer';

  interface Digest {
    update(data: string): Digest;
    digest(): Buffer;
  }
  export function createHash(algorithm: 'sha256'): Digest;
  export function createHmac(algorithm: 'sha256', key: Uint8Array): Digest;
  export function hkdfSync(
    digest: 'sha256',
    key: string | Uint8Array,
    salt: Uint8Array,
    info: string,
    length: number,
  ): ArrayBuffer;
  export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}
