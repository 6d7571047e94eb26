import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database, DatabaseHandle } from './client';
import { pgliteDatabase } from './pglite-database';
import { initializePgliteDir, type PgliteDirCreator } from './pglite-init';
import { acquirePgliteLock } from './pglite-lock';
import { pgliteOptions } from './pglite-options';
import * as schema from './schema';

/**
 * Options for opening the database on Node: a PostgreSQL URL, an embedded PGlite directory (or memory), or an
 * in-memory PGlite started from a `dumpDataDir` tarball instead of initdb (the test suite's per-run snapshot).
 */
export type OpenDatabaseOptions =
  | { url: string; maxConnections?: number }
  | {
      pgliteDir: string | 'memory';
      /**
       * Creates and migrates a new directory before this process opens it (it holds the lock); default: a child
       * that does only that (`initializePgliteDir`).
       */
      create?: PgliteDirCreator;
    }
  | { pgliteSnapshot: Blob };

/** Opens PostgreSQL through postgres.js when a URL is given, else embedded PGlite. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if ('url' in options) {
    const sql = postgres(options.url, { max: options.maxConnections ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(sql, { schema }) as unknown as Database;
    return { db, kind: 'postgres', close: () => sql.end({ timeout: 5 }) };
  }
  if ('pgliteSnapshot' in options || options.pgliteDir === 'memory') {
    const client = new PGlite(
      pgliteOptions('pgliteSnapshot' in options ? { loadDataDir: options.pgliteSnapshot } : {}),
    );
    return { db: pgliteDatabase(client), kind: 'pglite', close: () => client.close() };
  }
  // One process per directory: a second PGlite on the same files would silently overwrite the first's writes.
  await mkdir(dirname(options.pgliteDir), { recursive: true });
  const lock = await acquirePgliteLock(options.pgliteDir);
  let client: PGlite;
  let migrationsAppliedOnCreate: number;
  try {
    await mkdir(options.pgliteDir, { recursive: true });
    migrationsAppliedOnCreate = (await initializePgliteDir(options.pgliteDir, options.create))
      .migrationsApplied;
    client = new PGlite(options.pgliteDir, pgliteOptions());
    await client.waitReady;
  } catch (error) {
    await lock.release();
    throw error;
  }
  return {
    db: pgliteDatabase(client),
    kind: 'pglite',
    migrationsAppliedOnCreate,
    close: async () => {
      try {
        await client.close();
      } finally {
        await lock.release();
      }
    },
  };
}

/** The embedded database directory the configuration names (when `DATABASE_URL` is unset). */
export function embeddedDatabaseDir(config: { dataDir: string }): string {
  return `${config.dataDir}/pglite`;
}

/** Opens the database the configuration names: `DATABASE_URL`, else the embedded one under `DATA_DIR`. */
export function openConfiguredDatabase(
  config: { databaseUrl: string | undefined; dataDir: string },
  embedded: { create?: PgliteDirCreator } = {},
) {
  return openDatabase(
    config.databaseUrl
      ? { url: config.databaseUrl }
      : { pgliteDir: embeddedDatabaseDir(config), create: embedded.create },
  );
}
