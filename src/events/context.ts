import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import type { SigningRequestMapperDeps } from './signing-request-record';

/** What event producers need: storage, the vault (Connect keys) and the signing-request mapping. */
export interface EventsContext extends SigningRequestMapperDeps {
  db: Database;
  vault: Vault;
  now: () => number;
}
