import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app';
import { migrate } from '../../../src/db/migrate';
import { rowsOf } from '../../../src/db/rows';
import { createMemoryLogger, TEST_SECRETS } from '../../helpers/create-test-app';
import { createTestDatabase, migrationCount, usingRealPostgres } from '../../helpers/database';

describe(`migrations on ${usingRealPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('creates the foundation tables on a fresh database and is idempotent on a second run', async () => {
    // Not the migrated snapshot other tests start from: a database as initdb leaves it, migrated here for real.
    const database = await createTestDatabase({ migrate: false });
    try {
      expect(database.kind).toBe(usingRealPostgres ? 'postgres' : 'pglite');
      expect(await migrate(database.db)).toBe(await migrationCount());
      const tables = rowsOf<{ table_name: string }>(
        await database.db.execute(
          sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
        ),
      ).map((row) => row.table_name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'api_keys',
          'environments',
          'integrated_accounts',
          'events',
          'mapping_overrides',
        ]),
      );
      expect(await migrate(database.db)).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('GET /health returns 503 when the database is gone', async () => {
    const database = await createTestDatabase();
    const app = createApp({
      db: database.db,
      logger: createMemoryLogger(),
      secrets: TEST_SECRETS,
      config: { publicUrl: 'http://gateway.test', bodyLimitBytes: 1024 },
    });
    await database.close();
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', database: { reachable: false } });
  });
});
