import type { Context } from 'hono';
import type { GatewayEnv } from '../http/context';
import { takeResponseHeaders } from '../http/response-headers';

/**
 * DocuSign's body kept as a Node.js stream. On Node, the upstream client sends through undici's `request` API
 * rather than its `fetch` (far less work per call), and a body read there is read as bytes; a large download is
 * written from undici's Node stream straight to the caller's socket, a fraction of the CPU per megabyte of the
 * same bytes through two web streams (undici's fetch body, then the server's reader loop): `npm run bench --
 * proxy-stream`. Only a caller that can write to a Node socket gets one (`UpstreamRequest.nodeBody`); Workers and
 * `app.request` never see one. The types are structural so this module, shared with the Workers build, needs no
 * Node types.
 */

/** The part of a Node `Readable` the upstream client uses (the Node writer takes it as the Readable it is). */
export interface NodeReadable {
  destroy(error?: Error): void;
  once(event: 'close', listener: () => void): unknown;
}

/** A body handed over as a Node stream; `instanceof` tells it from bytes and web streams. */
export class NodeStreamBody {
  constructor(
    readonly stream: NodeReadable,
    /** The declared `content-length`, when there is one. */
    readonly length: number | undefined,
    /** Reads the whole body. */
    readonly bytes: () => Promise<Uint8Array>,
    /** The body as a web stream, for a caller that cannot take a Node one. */
    readonly toWeb: () => ReadableStream<Uint8Array>,
  ) {}
}

// A transport that kept a body as a Node stream answers a head-only Response and leaves the stream here.
const kept = new WeakMap<Response, NodeStreamBody>();

/** Records that `head`'s body is `body` (the Response itself has none). */
export function keepNodeBody(head: Response, body: NodeStreamBody): Response {
  kept.set(head, body);
  return head;
}

/** The Node stream body of a Response made by `keepNodeBody`, if it is one. */
export function nodeBodyOf(res: Response): NodeStreamBody | undefined {
  return kept.get(res);
}

/** Writes a Node stream body, with its status and headers, to the caller's socket; answers the placeholder to return. */
export type NodeBodyWriter = (
  head: { status: number; statusText: string; headers: Record<string, string> },
  body: NodeStreamBody,
) => Response;

/** Node only: where large DocuSign bodies come from and go to as Node streams. */
export interface NodeBodyPassage {
  /** `fetch` that keeps a successful body as a Node stream (`keepNodeBody`). */
  fetch: typeof fetch;
  /** The writer for this request's socket, from the server's per-request env; none without a Node socket. */
  writerFor(env: unknown): NodeBodyWriter | undefined;
}

/**
 * Answers with a Node stream body through `write`: the gateway's pending headers join `head`'s, and the access log
 * is told the status (the Response returned is only a placeholder).
 */
export function respondWithNodeBody(
  c: Context<GatewayEnv>,
  write: NodeBodyWriter,
  head: { status: number; statusText: string; headers: Record<string, string> },
  body: NodeStreamBody,
): Response {
  c.set('sentStatus', head.status);
  return write({ ...head, headers: { ...head.headers, ...takeResponseHeaders(c) } }, body);
}
