// The Workers type-check (tsconfig.worker.json) has Cloudflare's types, not Node's; these are the Node built-ins the
// Worker uses under `nodejs_compat`.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
