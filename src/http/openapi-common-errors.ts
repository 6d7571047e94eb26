import { IDEMPOTENCY_KEY_DESCRIPTION, IDEMPOTENCY_KEY_PATTERN } from './middleware/idempotency';
import { ERROR_SCHEMA_NAME } from './openapi';

/** The parts of an OpenAPI document this module reads and completes. */
interface OpenApiDocumentLike {
  paths?: object;
}
interface OperationLike {
  security?: unknown[];
  parameters?: { name?: string; in?: string }[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const WRITES = new Set(['put', 'post', 'delete', 'patch']);
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` } } },
});
const idempotencyKeyParameter = () => ({
  name: 'idempotency-key',
  in: 'header',
  required: false,
  description: IDEMPOTENCY_KEY_DESCRIPTION,
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
  example: '3f1b7c2e-9d4a-4e8b-a1c6-5f0e2d7b9a13',
});

/**
 * Adds to every operation what the middleware in front of all routes can answer, so the document lists every 4xx a
 * route may give: 400 (the input guard: NUL, lone surrogates, JSON nested too deep), 401 and 429 where an API key is
 * required, 413 where a body is taken and 415 where it must be JSON. Unified writes (the `Idempotency-Key` middleware
 * runs on every POST/PUT/PATCH/DELETE under /unified/) get the header and its 409. Entries a route documents are kept.
 */
export function addCommonErrorResponses<T extends OpenApiDocumentLike>(document: T): T {
  for (const [path, item] of Object.entries(document.paths ?? {}) as [string, Record<string, unknown>][]) {
    for (const method of METHODS) {
      const operation = item?.[method] as OperationLike | undefined;
      if (!operation) continue;
      operation.responses ??= {};
      const responses = operation.responses;
      const secured = !(Array.isArray(operation.security) && operation.security.length === 0);
      const add = (status: string, description: string) => {
        responses[status] ??= errorResponse(description);
      };
      add('400', 'Invalid request');
      if (secured) add('401', 'Missing, wrong or revoked API key');
      if (operation.requestBody) {
        add('413', 'Request body too large');
        const types = Object.keys(operation.requestBody.content ?? {});
        if (types.length === 1 && types[0] === 'application/json') {
          add('415', 'Body is not JSON: send content-type: application/json');
        }
      }
      if (path.startsWith('/unified/') && WRITES.has(method)) {
        operation.parameters ??= [];
        if (!operation.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key')) {
          operation.parameters.push(idempotencyKeyParameter());
        }
        add(
          '409',
          'Conflict: a reused `Idempotency-Key`, or the record is in a state that refuses the write',
        );
      }
      if (secured) add('429', 'Rate limited; see the retry-after header');
    }
  }
  return document;
}
