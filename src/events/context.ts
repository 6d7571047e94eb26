import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import type { UpstreamClient } from '../upstream/client';
import type { SigningRequestMapperDeps } from './signing-request-record';

/** What event producers need: storage, the vault (Connect keys), the signing-request mapping and DocuSign. */
export interface EventsContext extends SigningRequestMapperDeps {
  db: Database;
  vault: Vault;
  /** Reads envelopes a Connect message names without their data. */
  upstream: Pick<UpstreamClient, 'json'>;
  now: () => number;
}
