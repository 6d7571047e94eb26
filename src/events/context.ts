import type { AccountCache } from '../connections/account-cache';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import type { UpstreamClient } from '../upstream/client';
import type { ConnectKeyCache } from './connect-key-cache';
import type { SigningRequestMapperDeps } from './signing-request-record';

/** What event producers need: storage, the vault (Connect keys), the signing-request mapping and DocuSign. */
export interface EventsContext extends SigningRequestMapperDeps {
  db: Database;
  vault: Vault;
  /** Reads envelopes a Connect message names without their data. */
  upstream: Pick<UpstreamClient, 'json'>;
  /** Connection rows by id (short-lived, forgotten on local writes). */
  accounts: Pick<AccountCache, 'byId'>;
  /** Opened and imported Connect keys per connection (short-lived, forgotten on local key changes). */
  connectKeys: ConnectKeyCache;
  now: () => number;
}
