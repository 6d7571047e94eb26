import { Readable } from 'node:stream';
import { Agent, fetch as undiciFetch, request as undiciRequest } from 'undici';
import { nodeSocketWriter } from '../http/node-socket-writer';
import { SMALL_BODY_BYTES } from './client';
import { keepNodeBody, type NodeBodyPassage, NodeStreamBody } from './node-body';

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

/** Statuses whose Response may not have a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A keep-alive undici Agent (one pool per origin), a `fetch` bound to it, and the Node body passage (large
 * downloads socket to socket as Node streams, see `node-body.ts`) on the same sockets. `close()` drains the sockets.
 */
export function createNodeFetch(options: Partial<NodeFetchOptions> = {}): {
  fetch: typeof fetch;
  nodeBodies: NodeBodyPassage;
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

  /**
   * undici's `request` (Node streams, no decoding: nothing asks for compression) for the plain requests the proxy
   * sends: a 2xx whose declared length is over SMALL_BODY_BYTES keeps its body as a Node stream; any other answer
   * becomes an ordinary Response. Inputs `request` does not take (a Request, a stream or form body) go to `fetch`.
   */
  const fetchKeepingNodeBody = async (
    input: Parameters<typeof fetch>[0],
    init: RequestInit = {},
  ): Promise<Response> => {
    const body = init.body ?? null;
    const plainBody = body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (
      typeof input !== 'string' ||
      !plainBody ||
      init.headers instanceof Headers ||
      Array.isArray(init.headers)
    ) {
      return boundFetch(input, init) as unknown as Promise<Response>;
    }
    const res = await undiciRequest(input, {
      dispatcher: agent,
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers as Record<string, string> | undefined,
      body,
      signal: init.signal ?? undefined,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const head = { status: res.statusCode, statusText: res.statusText ?? '', headers };
    const declared = Number(headers.get('content-length') ?? Number.NaN);
    if (res.statusCode >= 200 && res.statusCode < 300 && declared > SMALL_BODY_BYTES) {
      return keepNodeBody(new Response(null, head), new NodeStreamBody(res.body));
    }
    if (NULL_BODY_STATUSES.has(res.statusCode)) {
      res.body.resume();
      return new Response(null, head);
    }
    return new Response(Readable.toWeb(res.body) as ReadableStream<Uint8Array>, head);
  };

  // undici's own Request/Response types are structurally the platform's; the cast only bridges the declarations.
  return {
    fetch: boundFetch as unknown as typeof fetch,
    nodeBodies: { fetch: fetchKeepingNodeBody, writerFor: nodeSocketWriter },
    close: () => agent.close(),
  };
}
