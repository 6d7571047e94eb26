import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { GatewayEnv } from './context';
import { ApiError, ERROR_STATUS, type ErrorCode } from './errors';

/** The error body's component name in the OpenAPI document. */
export const ERROR_SCHEMA_NAME = 'ErrorResponse';

/** The error body every route documents (DESIGN.md §3); named so it does not shadow the global `Error` in clients. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      status: z.number().int(),
      request_id: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi(ERROR_SCHEMA_NAME, {
    example: {
      error: {
        code: 'invalid_request',
        message: 'limit: Too big: expected number to be <=500',
        status: 400,
        request_id: 'req_3f2a9c0d',
        details: [{ path: ['limit'], message: 'Too big: expected number to be <=500' }],
      },
    },
  });

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request (DocuSign's refusal of the request is here too, with its `{errorCode, message}` in `details`)",
  401: 'Missing, wrong or revoked API key',
  403: 'The connection lacks the permission for this action',
  404: 'Not found',
  409: 'Conflict: the object is in a state that refuses the action, a duplicate, a reused Idempotency-Key, or the connection needs re-authorization (`needs_reauth`)',
  413: 'Request body too large',
  429: 'Rate limited; see the retry-after header',
  500: 'Internal error',
  501: 'Not supported by this build',
  502: "DocuSign refused the connection's token or answered in a way the gateway cannot use",
  503: 'DocuSign unavailable',
};

/** OpenAPI response entries for the given error statuses, to spread into a route's `responses`. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: ErrorSchema } },
      },
    ]),
  );
}

/** Creates a router whose zod validation failures become 400 `invalid_request` with field paths. */
export function createRouter() {
  return new OpenAPIHono<GatewayEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((issue) => ({
          path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
          message: issue.message,
        }));
        const summary = issues
          .map((issue) => `${issue.path.length ? issue.path.join('.') : result.target}: ${issue.message}`)
          .join('; ');
        throw new ApiError('invalid_request', `Invalid ${result.target}: ${summary}`, issues);
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
