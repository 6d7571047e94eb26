import type { AppDeps } from '../../src/app';
import type { DatabaseHandle } from '../../src/db/client';
import { openDatabase } from '../../src/db/open';
import { createTestGateway, seedTestEnvironment } from './create-test-app';
import { createTestDatabase, usingRealPostgres } from './database';

/** One gateway instance: the app, its own database handle (pool) and its log lines. */
export type GatewayInstance = ReturnType<typeof createTestGateway>;

/**
 * Builds `count` gateway instances on one fresh database, as separate processes would see it: on real PostgreSQL
 * each instance gets its own connection pool; on PGlite (one connection, one process) they share the one handle,
 * unless `pgliteSingle` asks for a single instance there.
 */
export async function createGatewayInstances(
  count: number,
  deps: Partial<Omit<AppDeps, 'db' | 'logger' | 'config'>> & { publicUrl: string; pgliteSingle?: boolean },
) {
  const database = await createTestDatabase();
  const { key } = await seedTestEnvironment(database.db);
  const extraHandles: DatabaseHandle[] = [];
  const instances: GatewayInstance[] = [];
  const { publicUrl, pgliteSingle, ...rest } = deps;
  for (let i = 0; i < (usingRealPostgres || !pgliteSingle ? count : 1); i++) {
    let db = database.db;
    if (i > 0 && database.url) {
      const handle = await openDatabase({ url: database.url, maxConnections: 20 });
      extraHandles.push(handle);
      db = handle.db;
    }
    instances.push(createTestGateway(db, key, { ...rest, config: { publicUrl } }));
  }
  return {
    database,
    db: database.db,
    instances,
    async close() {
      for (const handle of extraHandles) await handle.close();
      await database.close();
    },
  };
}
