import postgres from 'postgres';
import type { DatabaseHandle } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { openDatabase } from '../../src/db/open';

/** True when the suite runs against a real PostgreSQL server (CI's second pass). */
export const usingRealPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * A fresh, migrated database: in-memory PGlite by default; with TEST_DATABASE_URL a new throw-away database on that
 * server, so test files can run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle & { url?: string }> {
  const shouldMigrate = options.migrate ?? true;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const handle = await openDatabase({ pgliteDir: 'memory' });
    if (shouldMigrate) await migrate(handle.db);
    return handle;
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
