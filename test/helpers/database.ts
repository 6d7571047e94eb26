import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { openDatabase } from '../../src/db/open';

/** True when the suite runs against a real PostgreSQL server (CI's second pass). */
export const usingRealPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** How many migrations drizzle-kit has generated (entries of drizzle/meta/_journal.json). */
export async function migrationCount(): Promise<number> {
  const journal = JSON.parse(await readFile('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

const snapshots = new Map<string, Promise<Blob>>();

/** A tarball test/global-setup.ts wrote this run, read once per test process. */
function snapshotBlob(file: string): Promise<Blob> {
  let blob = snapshots.get(file);
  if (!blob) {
    blob = readFile(file).then((bytes) => new Blob([bytes]));
    snapshots.set(file, blob);
  }
  return blob;
}

/**
 * A fresh, migrated database: in-memory PGlite by default; with TEST_DATABASE_URL a new throw-away database on that
 * server, so test files can run in parallel without seeing each other's rows. On PGlite each call loads its own copy
 * of the snapshot the global setup made once per run (initdb, and the real migrations for `migrate: true`), which
 * takes a fraction of initdb's time; `migrate: false` gives a database as initdb leaves it.
 */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle & { url?: string }> {
  const shouldMigrate = options.migrate ?? true;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const prepared = inject('pgliteSnapshots');
    if (!prepared)
      throw new Error('no PGlite snapshots: run the tests through vitest.config.ts (its globalSetup)');
    return openDatabase({
      pgliteSnapshot: await snapshotBlob(shouldMigrate ? prepared.migrated : prepared.initdb),
    });
  }
  const name = `gw_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), maxConnections: 20 });
  if (shouldMigrate) await migrate(handle.db);
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}
