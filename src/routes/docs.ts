import { Scalar } from '@scalar/hono-api-reference';
import type { GatewayEnv } from '../http/context';
import { ApiError } from '../http/errors';
import type { Router } from '../http/openapi';

/** Where the API reference's browser bundle comes from (Node: the installed `@scalar/api-reference` package). */
export type DocsScriptLoader = () => Promise<Uint8Array>;

const SCRIPT_PATH = '/docs/scalar.js';

/**
 * `/docs`: Scalar's API reference over `/openapi.json`, entirely self-hosted: its script comes from this gateway,
 * with no default web fonts, no AI agent, no developer toolbar and no CORS proxy, so the page makes no request outside the gateway.
 * Without a loader (a runtime that cannot read the package), `/docs` says where to read the reference instead.
 */
export function registerDocs(app: Router, loadScript: DocsScriptLoader | undefined): void {
  if (!loadScript) {
    app.get('/docs', () => {
      throw new ApiError(
        'not_supported',
        'The API reference page is not served on this runtime; read /openapi.json',
      );
    });
    return;
  }
  let script: Promise<Uint8Array> | undefined;
  app.get(SCRIPT_PATH, async (c) => {
    script ??= loadScript();
    const body = await script;
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    });
  });
  app.get(
    '/docs',
    Scalar<GatewayEnv>({
      url: '/openapi.json',
      pageTitle: 'DocuSign Unified Gateway',
      cdn: SCRIPT_PATH,
      withDefaultFonts: false,
      agent: { disabled: true },
      showDeveloperTools: 'never',
    }),
  );
}
