import { Agent, fetch as undiciFetch } from 'undici';

/** Socket settings for the Node `fetch` the upstream client uses; Workers use the platform fetch instead. */
export interface NodeFetchOptions {
  /** TCP + TLS handshake limit. */
  connectTimeoutMs: number;
  /** Time from sending the request to receiving response headers. */
  headersTimeoutMs: number;
  /** Longest silence between two body chunks (not the total download time). */
  bodyTimeoutMs: number;
  /** How long an idle keep-alive socket is kept for reuse. */
  keepAliveTimeoutMs: number;
  /** Sockets per origin (DocuSign host); the per-account budget keeps one account from taking them all. */
  connectionsPerOrigin: number;
}

export const DEFAULT_NODE_FETCH_OPTIONS: NodeFetchOptions = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  keepAliveTimeoutMs: 30_000,
  connectionsPerOrigin: 128,
};

/** A keep-alive undici Agent (one pool per origin) and a `fetch` bound to it. `close()` drains the sockets. */
export function createNodeFetch(options: Partial<NodeFetchOptions> = {}): {
  fetch: typeof fetch;
  close: () => Promise<void>;
} {
  const o = { ...DEFAULT_NODE_FETCH_OPTIONS, ...options };
  const agent = new Agent({
    connect: { timeout: o.connectTimeoutMs },
    headersTimeout: o.headersTimeoutMs,
    bodyTimeout: o.bodyTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    connections: o.connectionsPerOrigin,
  });
  const boundFetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    });
  // undici's own Request/Response types are structurally the platform's; the cast only bridges the declarations.
  return { fetch: boundFetch as unknown as typeof fetch, close: () => agent.close() };
}
