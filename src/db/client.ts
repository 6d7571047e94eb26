import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

/** The drizzle database the gateway uses, whichever driver (PGlite or postgres.js) is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A database plus what the entry points need to manage it. */
export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Migrations applied while creating a new embedded database directory (the rest are `migrate`'s to apply). */
  migrationsAppliedOnCreate?: number;
  close(): Promise<void>;
}
