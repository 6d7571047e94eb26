/** The parts of an OpenAPI document this module reads and completes. */
interface OpenApiDocumentLike {
  paths?: object;
}
interface OperationLike {
  security?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/**
 * Adds to every operation the refusals the middleware in front of all routes can give, so the document lists
 * every 4xx a route may answer: 400 (the input guard: NUL, lone surrogates, JSON nested too deep), 401 and 429
 * where an API key is required, 413 and 415 where a body is taken. Entries a route documents itself are kept.
 */
export function addCommonErrorResponses<T extends OpenApiDocumentLike>(document: T): T {
  for (const item of Object.values(document.paths ?? {}) as (Record<string, unknown> | undefined)[]) {
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
        add('415', 'Body is not JSON: send content-type: application/json');
      }
      if (secured) add('429', 'Rate limited; see the retry-after header');
    }
  }
  return document;
}
