import { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { NodeBodyWriter } from './node-body';

/**
 * The writer of a request served by @hono/node-server (whose env carries the Node response as `outgoing`): the
 * head goes out at once, the body is piped with Node's backpressure (a slow reader holds DocuSign back), and either
 * side ending early ends the other (a caller who leaves stops the download; a cut-off download cuts the response).
 */
export function nodeSocketWriter(env: unknown): NodeBodyWriter | undefined {
  const outgoing = (env as { outgoing?: unknown } | undefined)?.outgoing;
  if (!(outgoing instanceof ServerResponse)) return undefined;
  return (head, body) => {
    outgoing.writeHead(head.status, head.statusText || undefined, head.headers);
    // The stream is undici's body, a Node Readable; node-body.ts only types the part the client needs.
    pipeline(body.stream as Readable, outgoing, () => {
      // Failures have already destroyed both sides; the caller sees a cut-off body, as with any proxy.
    });
    return RESPONSE_ALREADY_SENT;
  };
}
