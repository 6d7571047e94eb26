import { z } from '@hono/zod-openapi';
import { selectDocusignAccount } from '../connections/account-selection';
import type { ConnectionsContext } from '../connections/context';
import { upstreamBudget } from '../connections/pacing';
import { assertPermission, isReadMethod } from '../connections/permissions';
import { ApiError } from '../http/errors';
import { limitStream, payloadTooLarge } from '../http/middleware/body-limit';
import { ErrorSchema, errorResponses, type Router } from '../http/openapi';
import { takeResponseHeaders } from '../http/response-headers';
import type { UpstreamResponse } from '../upstream/client';
import { bodyWasDecoded } from '../upstream/content-coding';
import { forwardableHeaders } from '../upstream/headers';
import { type NodeBodyPassage, NodeStreamBody, respondWithNodeBody } from '../upstream/node-body';
import { type ProxyApi, resolveProxyTarget } from '../upstream/proxy-target';
import { replayableBody } from '../upstream/replayable-body';

const ApiParam = z.enum(['esignature', 'admin']);

// Request headers that describe the hop to the gateway, or carry the caller's credentials, never go upstream.
// `accept-encoding` goes too: the transport handles compression itself (fetch negotiates and decodes it; Node's
// request transport asks for none and decodes what comes anyway).
const DROP_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'host',
  'x-integrated-account-id',
  'x-docusign-account-id',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
  'content-length',
  'accept-encoding',
]);
// Response headers that are DocuSign's business with its own client, not ours.
const DROP_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'www-authenticate',
  'authentication-info',
]);
// The transport has already decoded a compressed body (`bodyWasDecoded`), so its encoding and length no longer
// describe what we send.
const DROP_DECODED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  ...DROP_RESPONSE_HEADERS,
  'content-encoding',
  'content-length',
]);
const PROXY_DESCRIPTION =
  '`esignature` forwards to `{base_uri}/restapi/v2.1/accounts/{accountId}/{path}`, `admin` to `{admin_base}/{path}`. ' +
  "Writes need a `read_write` connection. DocuSign's own status, body (errors included, as DocuSign's " +
  '`{errorCode, message}`) and rate-limit headers pass through as they are; the gateway answers in its own error shape ' +
  'only for what it refuses before calling DocuSign (bad path, unknown connection, permission, rate limit) or when ' +
  'DocuSign cannot be reached (503).';
// What DocuSign answers: usually JSON, documents as PDF or other bytes.
const PASSED_THROUGH = {
  'application/json': { schema: z.unknown() },
  'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
};
// DocuSign's own error body, passed through as DocuSign wrote it (eSignature: `{errorCode, message}`).
const DocuSignErrorSchema = z.record(z.string(), z.unknown()).openapi('DocuSignError', {
  description: "DocuSign's own error body, passed through as it is (eSignature: `{errorCode, message}`).",
});
const GATEWAY_REFUSAL: Record<number, string> = {
  400: 'a path or query that could leave the API prefix, or no connection named',
  403: 'a write on a read-only connection',
  404: 'an unknown connection',
  409: 'a connection that needs re-authorization',
  429: "the API key's rate limit",
  503: 'DocuSign unreachable',
};
/** Statuses both the gateway (its error shape) and DocuSign (its own body, passed through) may answer. */
function eitherError(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: `The gateway's refusal (${GATEWAY_REFUSAL[status]}), or DocuSign's own ${status} passed through`,
        content: { 'application/json': { schema: z.union([ErrorSchema, DocuSignErrorSchema]) } },
      },
    ]),
  );
}
const ADMIN_SELECTORS: ReadonlySet<string> = new Set(['integrated_account_id']);
const ESIGNATURE_SELECTORS: ReadonlySet<string> = new Set(['integrated_account_id', 'account_id']);

/**
 * `/proxy/{api}/{path}`: forwards any DocuSign call 1:1 (method, query, body, status, headers) with the
 * connection's token injected, streaming both bodies, through the one upstream client (`send`).
 */
export function registerProxy(
  app: Router,
  ctx: ConnectionsContext,
  options: { maxBodyBytes: number; nodeBodies?: NodeBodyPassage },
): void {
  const limits = options;
  for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    // DocuSign takes bodies on DELETE too (e.g. removing recipients), so every method but GET declares one.
    const write = method !== 'get';
    app.openAPIRegistry.registerPath({
      method,
      path: '/proxy/{api}/{path}',
      operationId: `proxy${method.charAt(0).toUpperCase()}${method.slice(1)}`,
      tags: ['Proxy'],
      summary: `Pass a ${method.toUpperCase()} through to DocuSign`,
      description: PROXY_DESCRIPTION,
      request: {
        params: z.object({
          api: ApiParam,
          path: z.string().openapi({
            description:
              'DocuSign path after the API prefix, e.g. `users/{userId}/profile`. Slashes may be sent as they are or ' +
              'percent-encoded (`users%2F{userId}%2Fprofile`, what generated clients send); `.`/`..` segments are refused.',
            example: 'users',
          }),
        }),
        query: z.object({
          integrated_account_id: z
            .string()
            .optional()
            .openapi({ description: 'Or the x-integrated-account-id header' }),
          account_id: z
            .string()
            .optional()
            .openapi({ description: 'eSignature only: which DocuSign account of a sync-all connection' }),
          docusign_query: z
            .record(z.string(), z.string())
            .optional()
            .openapi({
              param: { style: 'form', explode: true },
              description:
                "DocuSign's own query parameters, forwarded byte for byte (e.g. `count=2`). Each property is its own " +
                "query parameter (form style, exploded); with openapi-fetch pass `querySerializer: { object: { style: 'form', explode: true } }`.",
            }),
        }),
        ...(write
          ? {
              body: {
                required: false,
                description:
                  'Any body DocuSign takes (JSON, a document, multipart), streamed through as it is.',
                content: {
                  'application/json': { schema: z.unknown() },
                  'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
                },
              },
            }
          : {}),
      },
      responses: {
        200: { description: "DocuSign's response, passed through", content: PASSED_THROUGH },
        ...(method === 'post' || method === 'put'
          ? { 201: { description: "DocuSign's 201 (created), passed through", content: PASSED_THROUGH } }
          : {}),
        204: { description: "DocuSign's empty answer, passed through" },
        ...errorResponses(401, 502),
        ...eitherError(400, 403, 404, 409, 429, 503),
        default: {
          description:
            "Any other status DocuSign answers, with DocuSign's own error body (`{errorCode, message}`) as it is.",
          content: PASSED_THROUGH,
        },
      },
    });
  }

  app.all('/proxy/:api/*', async (c) => {
    const api = ApiParam.safeParse(c.req.param('api'));
    if (!api.success) {
      throw new ApiError('invalid_request', 'The proxy API must be "esignature" or "admin"', {
        param: 'api',
      });
    }
    const { rawPath, search } = splitRawUrl(c.req.url, `/proxy/${api.data}/`);
    // `account_id` is a real DocuSign query parameter on the Admin API, so it selects an account only for eSignature.
    const query = takeSelectors(search, api.data === 'esignature' ? ESIGNATURE_SELECTORS : ADMIN_SELECTORS);
    const integratedAccountId =
      c.req.header('x-integrated-account-id') ?? query.selected.integrated_account_id;
    if (!integratedAccountId) {
      throw new ApiError(
        'invalid_request',
        'Name the connection: integrated_account_id query or x-integrated-account-id header',
        {
          param: 'integrated_account_id',
        },
      );
    }
    const row = await ctx.accounts.get(c.get('auth').environmentId, integratedAccountId);
    assertPermission(row, isReadMethod(c.req.method) ? 'read' : 'write', `${c.req.method} through the proxy`);
    const requestedAccount = c.req.header('x-docusign-account-id') ?? query.selected.account_id;
    const account = selectDocusignAccount(row, requestedAccount);
    const target = resolveProxyTarget({
      api: api.data as ProxyApi,
      rawPath,
      search: query.rest,
      baseUri: account.base_uri,
      accountId: account.id,
      adminBase: row.adminBase,
    });

    // Small bodies are buffered so the upstream client may replay them (retries, the 401 refresh); large ones
    // stream, and one of unknown length is counted against the body limit as it flows.
    let body = await replayableBody(c.req.raw);
    let exceeded = () => false;
    if (body instanceof ReadableStream && !c.req.raw.headers.has('content-length')) {
      ({ stream: body, exceeded } = limitStream(body, limits.maxBodyBytes));
    }
    const writeNodeBody = options.nodeBodies?.writerFor(c.env);
    let upstream: UpstreamResponse<NodeStreamBody>;
    try {
      upstream = await ctx.upstream.send({
        integratedAccountId: row.id,
        ...upstreamBudget(row, account),
        url: target,
        method: c.req.method,
        headers: forwardableHeaders(c.req.raw.headers, DROP_REQUEST_HEADERS),
        body,
        signal: c.req.raw.signal,
        nodeBody: writeNodeBody !== undefined,
      });
    } catch (err) {
      if (exceeded()) throw payloadTooLarge(limits.maxBodyBytes);
      throw err;
    }
    // DocuSign may answer a cut-off body before the transport notices; that answer is not the caller's to see.
    if (exceeded()) {
      if (upstream.body instanceof ReadableStream) await upstream.body.cancel();
      if (upstream.body instanceof NodeStreamBody) upstream.body.stream.destroy();
      throw payloadTooLarge(limits.maxBodyBytes);
    }
    if (upstream.body instanceof NodeStreamBody) {
      // The Node transport drops the length of a body it decoded, so what is left describes these bytes.
      const headers = forwardableHeaders(upstream.headers, DROP_RESPONSE_HEADERS);
      // A Node body is only asked for when there is a writer.
      const head = { status: upstream.status, statusText: upstream.statusText, headers };
      return respondWithNodeBody(c, writeNodeBody!, head, upstream.body);
    }
    return passThrough({ ...upstream, body: upstream.body }, takeResponseHeaders(c));
  });
}

/** DocuSign's response as ours: same status and body (large ones still streaming), headers without hop-by-hop and auth ones. */
function passThrough(res: UpstreamResponse, gatewayHeaders: Record<string, string>): Response {
  const drop = bodyWasDecoded(res.headers) ? DROP_DECODED_RESPONSE_HEADERS : DROP_RESPONSE_HEADERS;
  return new Response(res.body, {
    status: res.status,
    statusText: res.statusText,
    // A plain record: Node's response writer takes it as it is.
    headers: Object.assign(forwardableHeaders(res.headers, drop), gatewayHeaders),
  });
}

/** The still-encoded path after `prefix` and the query string, read from the URL as received. */
function splitRawUrl(url: string, prefix: string): { rawPath: string; search: string } {
  const afterOrigin = url.slice(url.indexOf('/', url.indexOf('//') + 2));
  const queryAt = afterOrigin.indexOf('?');
  const path = queryAt === -1 ? afterOrigin : afterOrigin.slice(0, queryAt);
  const search = queryAt === -1 ? '' : afterOrigin.slice(queryAt);
  if (!path.startsWith(prefix)) throw new ApiError('invalid_request', 'Proxy path must name a DocuSign path');
  return { rawPath: path.slice(prefix.length), search };
}

/**
 * Splits the gateway's own selector params off the query string in one pass: their (first) decoded values, and
 * the rest of the query byte for byte.
 */
function takeSelectors(
  search: string,
  names: ReadonlySet<string>,
): { selected: Record<string, string | undefined>; rest: string } {
  const selected: Record<string, string | undefined> = {};
  if (!search) return { selected, rest: '' };
  let rest = '';
  for (const pair of search.slice(1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (names.has(name)) {
      selected[name] ??= formDecode(eq === -1 ? '' : pair.slice(eq + 1));
      continue;
    }
    rest += rest ? `&${pair}` : `?${pair}`;
  }
  return { selected, rest };
}

/** Decodes one query component as a form would (`+` is a space), keeping malformed escapes as they are. */
function formDecode(value: string): string {
  return safeDecode(value.replace(/\+/g, ' '));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
