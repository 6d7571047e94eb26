import type { TokenManager } from '../credentials/token-manager';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import type { LinkStateSigner } from '../docusign/link-state';
import type { DocusignOAuthClient } from '../docusign/oauth';
import { ApiError } from '../http/errors';
import type { Logger } from '../http/logger';
import type { UpstreamClient } from '../upstream/client';
import type { AccountCache } from './account-cache';
import type { DocusignAppConfig, DocusignEnvironmentConfig } from './docusign-app';

/** Everything the connection routes need, built once in createApp. */
export interface ConnectionsContext {
  db: Database;
  vault: Vault;
  signer: LinkStateSigner;
  docusign: DocusignAppConfig;
  oauthClient(oauthBase: string): DocusignOAuthClient;
  upstream: UpstreamClient;
  tokens: TokenManager;
  /** Connection rows for the proxy and unified calls (short-lived, forgotten on local writes). */
  accounts: AccountCache;
  publicUrl: string;
  /** Register the gateway's DocuSign Connect configuration on read_write connections (EVENTS_CONNECT_REGISTRATION). */
  registerConnect: boolean;
  logger: Logger;
  now: () => number;
}

/** The DocuSign environment by name, or a 400 naming the ones this gateway knows. */
export function docusignEnvironment(
  ctx: ConnectionsContext,
  name: string | undefined,
): [string, DocusignEnvironmentConfig] {
  const chosen = name ?? ctx.docusign.defaultEnvironment;
  const config = ctx.docusign.environments[chosen];
  if (!config) {
    throw new ApiError(
      'invalid_request',
      `Unknown docusign_environment "${chosen}"; this gateway knows: ${Object.keys(ctx.docusign.environments).join(', ')}`,
      { param: 'docusign_environment' },
    );
  }
  return [chosen, config];
}

/** The OAuth redirect URI registered with DocuSign for the hosted connect flow. */
export function oauthRedirectUri(ctx: ConnectionsContext): string {
  return `${ctx.publicUrl}/oauth/callback`;
}
