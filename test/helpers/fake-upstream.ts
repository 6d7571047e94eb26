import type { TokenSource } from '../../src/upstream/client';
import { createFakeClock } from './clock';

/** One scripted answer: a Response, an error to throw, or a function of the request. */
export type Step = Response | Error | ((req: Request) => Response | Promise<Response>);

export interface RecordedCall {
  method: string;
  url: string;
  headers: Headers;
  body: string | null;
}

/** A fetch that answers from a script, in order, and records what it was sent. */
export function scriptedFetch(...steps: Step[]) {
  const calls: RecordedCall[] = [];
  const fetchFn = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const body = init?.body instanceof ReadableStream ? '[stream]' : req.body ? await req.text() : null;
    calls.push({ method: req.method, url: req.url, headers: new Headers(req.headers), body });
    const step = steps[calls.length - 1] ?? steps[steps.length - 1];
    if (!step) throw new Error('script exhausted');
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(req);
    return step.clone();
  };
  return { fetch: fetchFn as typeof fetch, calls };
}

/** A connection reset as undici reports it. */
export function connectionReset(): TypeError {
  return new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
}

/** @deprecated Use `createFakeClock` from ./clock (same object: `t`, `sleeps`, `now`, `sleep`, `advance`). */
export const fakeClock = createFakeClock;

/** A token source that hands out tok-1, tok-2, … and counts forced refreshes. */
export function countingTokens() {
  let version = 1;
  const source = {
    forced: 0,
    calls: 0,
    rejected: [] as string[],
    async getAccessToken(_id: string, opts?: { forceRefresh?: boolean; rejectedToken?: string }) {
      source.calls++;
      if (opts?.forceRefresh) {
        source.forced++;
        if (opts.rejectedToken) source.rejected.push(opts.rejectedToken);
        version++;
      }
      return `tok-${version}`;
    },
  } satisfies TokenSource & { forced: number; calls: number; rejected: string[] };
  return source;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
