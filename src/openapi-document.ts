import type { Router } from './http/openapi';
import { addCommonErrorResponses } from './http/openapi-common-errors';

/** Top-level fields of the OpenAPI 3.1 document served at /openapi.json and written to openapi.yaml. */
export const OPENAPI_CONFIG: Parameters<Router['getOpenAPI31Document']>[0] = {
  openapi: '3.1.0',
  info: {
    title: 'DocuSign Unified Gateway',
    version: '0.1.0',
    description:
      'One documented REST API over DocuSign eSignature and Admin: unified User Directory and E-Signature models, ' +
      'cursor pagination, a streaming proxy, connections with central token refresh.',
    license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
  },
};

/** Registers the bearer scheme so every route (unless it says `security: []`) requires an API key. */
export function registerSecurityScheme(app: Router): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key of the environment, e.g. `Authorization: Bearer dgw_…`',
  });
}

/**
 * Builds the OpenAPI document from the routes registered on the app; `publicUrl` (config `PUBLIC_URL`) is its one
 * server, so generated clients call this gateway by default.
 */
export function buildOpenApiDocument(app: Router, publicUrl: string) {
  return addCommonErrorResponses(
    app.getOpenAPI31Document({
      ...OPENAPI_CONFIG,
      servers: [{ url: publicUrl, description: 'This gateway (PUBLIC_URL)' }],
      security: [{ bearerAuth: [] }],
    }),
  );
}
