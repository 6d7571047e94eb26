import { createApiKey, ensureEnvironment } from '../../src/api-keys/api-keys';
import { type AppDeps, createApp, type GatewayApp } from '../../src/app';
import type { DatabaseHandle } from '../../src/db/client';
import { openDatabase } from '../../src/db/open';
import { createMemoryLogger, TEST_SECRETS } from './create-test-app';
import { createTestDatabase, usingRealPostgres } from './database';

/** One gateway instance: the app, its own database handle (pool) and its log lines. */
export interface GatewayInstance {
  app: GatewayApp;
  logger: ReturnType<typeof createMemoryLogger>;
  /** `app.request` with the API key set. */
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

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
  await ensureEnvironment(database.db, 'env_test', 'test');
  const { key } = await createApiKey(database.db, { environmentId: 'env_test', name: 'test' });
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
    const logger = createMemoryLogger();
    const app = createApp({
      secrets: TEST_SECRETS,
      ...rest,
      db,
      logger,
      config: { publicUrl, bodyLimitBytes: 1024 * 1024 },
    });
    instances.push({
      app,
      logger,
      request: (path, init = {}) =>
        app.request(path, {
          ...init,
          headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) },
        }),
    });
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
