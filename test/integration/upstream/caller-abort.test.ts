import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { listen } from '../../helpers/http-server';

/**
 * A caller who goes away stops the DocuSign reads made for it. DocuSign's users list is held open here until its
 * request is aborted; the test then checks that the gateway aborted it after the caller left, over a real socket
 * and through `app.request` with an AbortSignal.
 */
let t: ConnectedApp;
let ia: string;
let server: { url: string; close(): Promise<void> };
const held: { url: string; aborted: Promise<void> }[] = [];
let released: (() => void) | undefined;

beforeAll(async () => {
  let simFetch: typeof fetch | undefined;
  const upstream: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!/\/users\?/.test(url)) return simFetch!(input, init);
    const signal = init?.signal;
    return new Promise<Response>((_, reject) => {
      const aborted = new Promise<void>((resolve) => {
        signal?.addEventListener('abort', () => {
          resolve();
          reject(signal.reason);
        });
      });
      held.push({ url, aborted });
      released?.();
    });
  };
  t = await createConnectedApp({ app: { fetch: upstream } });
  simFetch = t.sim.fetch;
  ia = await t.connect({ permission: 'read' });
  server = await listen(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  await t.close();
});

/** Resolves when the gateway has sent DocuSign the next held users request. */
function nextHeld(): Promise<{ url: string; aborted: Promise<void> }> {
  const before = held.length;
  return new Promise((resolve) => {
    released = () => {
      if (held.length > before) resolve(held[held.length - 1]!);
    };
  });
}

/** Whether `p` settles within `ms` (a generous bound: without propagation it would wait for the upstream timeout). */
async function settlesWithin(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([p.then(() => true as const), timeout]);
  clearTimeout(timer);
  return result;
}

describe('a caller who leaves a unified list', () => {
  it('over a real socket: the pending DocuSign read is aborted', async () => {
    const caller = new AbortController();
    const sent = nextHeld();
    const response = fetch(`${server.url}/unified/user-directory/users?integrated_account_id=${ia}`, {
      headers: t.authHeaders,
      signal: caller.signal,
    }).catch((err: unknown) => err);
    const upstreamCall = await sent;
    expect(upstreamCall.url).toContain('/users?');
    caller.abort();
    expect(await response).toBeInstanceOf(Error);
    expect(await settlesWithin(upstreamCall.aborted, 5_000)).toBe(true);
  });

  it('through app.request with a signal: the same', async () => {
    const caller = new AbortController();
    const sent = nextHeld();
    const response = Promise.resolve(
      t.request(`/unified/user-directory/users?integrated_account_id=${ia}&limit=5`, {
        signal: caller.signal,
      }),
    ).catch((err: unknown) => err);
    const upstreamCall = await sent;
    caller.abort();
    expect(await settlesWithin(upstreamCall.aborted, 5_000)).toBe(true);
    // The gateway did not go on to another DocuSign call for the caller who left.
    const count = held.length;
    await response;
    expect(held.length).toBe(count);
    // Logged as the caller leaving, not as a gateway fault.
    expect(t.logger.lines.some((l) => l.includes('caller closed the request'))).toBe(true);
    expect(t.logger.lines.filter((l) => l.includes('unhandled error'))).toEqual([]);
  });
});
