import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, fetch as undiciFetch, request as undiciRequest } from 'undici';
import type { DecodedCoding } from './content-coding';
import { keepNodeBody, type NodeBodyPassage, NodeStreamBody } from './node-body';
import { nodeSocketWriter } from './node-socket-writer';

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

/** Decoders of the codings undici's fetch decodes. */
const DECODERS: Record<DecodedCoding, () => Transform> & Record<string, (() => Transform) | undefined> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
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
   * undici's `request` (Node streams; nothing asks for compression) behind a `fetch` signature: a
   * 2xx body is kept as a Node stream (`keepNodeBody`) for the upstream client to read as bytes, hand over as a
   * Node stream or turn into a web stream; any other answer is an ordinary Response. Inputs `request` does not
   * take (a Request, a stream or form body, Headers) go to `fetch`.
   */
  const fetchKeepingNodeBody = async (
    input: Parameters<typeof fetch>[0],
    init: RequestInit = {},
  ): Promise<Response> => {
    const body = init.body ?? null;
    const plainBody = body === null || typeof body === 'string' || body instanceof Uint8Array;
    const plainHeaders =
      init.headers === undefined || (!(init.headers instanceof Headers) && !Array.isArray(init.headers));
    if (typeof input !== 'string' || !plainBody || !plainHeaders) {
      return boundFetch(input, init) as unknown as Promise<Response>;
    }
    const sent: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    // What fetch would send with a string body and no type of its own.
    if (
      typeof body === 'string' &&
      !Object.keys(sent).some((name) => name.toLowerCase() === 'content-type')
    ) {
      sent['content-type'] = 'text/plain;charset=UTF-8';
    }
    const res = await undiciRequest(input, {
      dispatcher: agent,
      method: (init.method ?? 'GET') as 'GET',
      headers: sent,
      body,
      signal: init.signal ?? undefined,
    });
    // Whoever reads the body sees its errors; a body destroyed unread (a cancel, a caller who left) emits one that
    // nobody reads, which must not take the process down.
    res.body.on('error', ignoreError);
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const head = { status: res.statusCode, statusText: res.statusText ?? '', headers };
    if (NULL_BODY_STATUSES.has(res.statusCode)) {
      res.body.resume();
      return new Response(null, head);
    }
    let stream: Readable = res.body;
    const decoder = DECODERS[headers.get('content-encoding')?.trim().toLowerCase() ?? ''];
    if (decoder) {
      // Nothing asked for compression, but a server (or a CDN before it) may compress anyway: decoded here as fetch
      // would, and the headers that described the encoded bytes go.
      stream = pipeline(res.body, decoder(), ignoreError);
      stream.on('error', ignoreError);
      headers.delete('content-encoding');
      headers.delete('content-length');
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      const declared = headers.get('content-length');
      const length = declared !== null && /^\d+$/.test(declared) ? Number(declared) : undefined;
      const kept = new NodeStreamBody(
        stream,
        length,
        () => readAll(stream),
        () => webStreamOf(stream),
      );
      return keepNodeBody(new Response(null, head), kept);
    }
    return new Response(webStreamOf(stream), head);
  };

  // undici's own Request/Response types are structurally the platform's; the cast only bridges the declarations.
  return {
    fetch: boundFetch as unknown as typeof fetch,
    nodeBodies: { fetch: fetchKeepingNodeBody, writerFor: nodeSocketWriter },
    close: () => agent.close(),
  };
}

/**
 * A Node stream as a web stream, pulled through its async iterator; a cancel destroys the stream, which frees the
 * socket. (Node 20's `Readable.toWeb` throws "Controller is already closed" from a data event after a cancel, and
 * `ReadableStream.from` does not destroy a stream cancelled before its first read.)
 */
function webStreamOf(stream: Readable): ReadableStream<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value as Uint8Array);
      },
      cancel() {
        stream.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The whole of a Node stream. */
async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function ignoreError(): void {
  // See the listener's comment.
}
