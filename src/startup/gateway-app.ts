import { createApp, type GatewayApp } from '../app';
import type { Config } from '../config';
import {
  type DocusignAppConfig,
  type DocusignEnvironmentConfig,
  docusignConfigFrom,
} from '../connections/docusign-app';
import type { Database } from '../db/client';
import type { Logger } from '../http/logger';
import { BatchingRateLimitStore } from '../http/rate-limit-batching';
import { PostgresRateLimitStore } from '../http/rate-limit-postgres';
import { loadMappings } from '../mapping/load';
import { projectPath } from '../project-path';
import type { createNodeFetch } from '../upstream/node-fetch';
import { resolveHostAddresses } from '../webhooks/dns-resolve';
import { readDocsScript } from './docs-script';
import type { LocalSecrets } from './local-secrets';

/** The gateway app as a Node start runs it, from the loaded configuration (the server and the first-start child). */
export function createConfiguredApp(options: {
  config: Config;
  db: Database;
  logger: Logger;
  secrets: LocalSecrets;
  docusign: DocusignAppConfig;
  upstreamFetch: ReturnType<typeof createNodeFetch>;
}): GatewayApp {
  const { config, db, upstreamFetch } = options;
  return createApp({
    // Read at start so an edited mapping file takes effect on restart and a broken one stops the start.
    mappings: loadMappings(projectPath('mappings')),
    config: { ...config, events: { registerConnect: config.eventsConnectRegistration } },
    db,
    logger: options.logger,
    secrets: options.secrets,
    docusign: options.docusign,
    fetch: upstreamFetch.fetch,
    nodeBodies: upstreamFetch.nodeBodies,
    upstream: { budget: config.docusignPacing },
    docsScript: readDocsScript,
    resolveHost: resolveHostAddresses,
    rateLimitStore: config.databaseUrl
      ? new BatchingRateLimitStore(new PostgresRateLimitStore(db))
      : undefined,
  });
}

/** The DocuSign app configuration, with the built-in sandbox as the default environment when it runs. */
export function docusignConfigWith(
  config: Config,
  sandboxEnvironment: DocusignEnvironmentConfig | null,
): DocusignAppConfig {
  const docusign = docusignConfigFrom(config);
  if (sandboxEnvironment) {
    docusign.environments.sandbox = sandboxEnvironment;
    docusign.defaultEnvironment = 'sandbox';
  }
  return docusign;
}
