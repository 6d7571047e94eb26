/**
 * A DocuSign-shaped upstream that answers in microseconds: the first GET of each path and query goes to the
 * simulator, and its answer (status, headers, bytes) is replayed for every later GET of the same URL. Both bench
 * variants read the same bytes, and the upstream stops being the bottleneck, so req/s at saturation and CPU per
 * request compare the gateway with its baseline directly. Everything else (OAuth, writes) still reaches the
 * simulator.
 */
type FetchHandler = (req: Request, env?: unknown) => Response | Promise<Response>;

interface Recorded {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export function frozenGets(simulator: FetchHandler): FetchHandler {
  const recorded = new Map<string, Recorded>();
  return async (req, env) => {
    if (req.method !== 'GET') return simulator(req, env);
    const url = new URL(req.url);
    const key = `${url.pathname}?${url.search}`;
    let hit = recorded.get(key);
    if (!hit) {
      const res = await simulator(req, env);
      // Only successes are frozen: a refusal (401, 429) must stay live so the bench sees the real behaviour.
      if (res.status !== 200) return res;
      hit = { status: res.status, headers: [...res.headers], body: new Uint8Array(await res.arrayBuffer()) };
      recorded.set(key, hit);
    }
    return new Response(hit.body, { status: hit.status, headers: hit.headers });
  };
}
