import { createApiKey, ensureEnvironment } from '../../src/api-keys/api-keys';
import { type AppDeps, createApp } from '../../src/app';
import type { Database } from '../../src/db/client';
import type { Logger } from '../../src/http/logger';
import { readDocsScript } from '../../src/startup/docs-script';
import { createTestDatabase } from './database';

/** A logger that keeps lines in memory so tests can assert on (and grep) them. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, msg, ...fields }));
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Fixed test secrets: a 32-byte AES key and a signing secret. */
export const TEST_SECRETS = {
  encryptionKeys: `test1:${Buffer.alloc(32, 7).toString('base64')}`,
  signingSecret: 'test-signing-secret-0123456789abcdef',
};

export interface TestAppOptions extends Partial<Omit<AppDeps, 'db' | 'config' | 'logger'>> {
  config?: Partial<AppDeps['config']>;
}

/** The environment and API key every test gateway is seeded with. */
export async function seedTestEnvironment(db: Database): Promise<{ key: string; apiKeyId: string }> {
  await ensureEnvironment(db, 'env_test', 'test');
  const { key, id: apiKeyId } = await createApiKey(db, { environmentId: 'env_test', name: 'test' });
  return { key, apiKeyId };
}

/** One gateway on `db`: test secrets, an in-memory logger, and `request` sending `apiKey`. */
export function createTestGateway(db: Database, apiKey: string, options: TestAppOptions = {}) {
  const logger = createMemoryLogger();
  const app = createApp({
    secrets: TEST_SECRETS,
    docsScript: readDocsScript,
    ...options,
    db,
    logger,
    config: {
      publicUrl: 'http://gateway.test',
      bodyLimitBytes: 1024 * 1024,
      // Off unless a test asks: a registered Connect configuration would make the simulator publish to gateway.test.
      events: { registerConnect: false },
      ...options.config,
    },
  });
  const authHeaders = { authorization: `Bearer ${apiKey}` };
  return {
    app,
    logger,
    authHeaders,
    /** `app.request` with the API key set. */
    request: (path: string, init: RequestInit = {}) =>
      app.request(path, {
        ...init,
        headers: { ...authHeaders, ...(init.headers as Record<string, string>) },
      }),
  };
}

/** Builds the gateway on a fresh migrated database with one environment and one API key. */
export async function createTestApp(options: TestAppOptions = {}) {
  const database = await createTestDatabase();
  const { key, apiKeyId } = await seedTestEnvironment(database.db);
  const gateway = createTestGateway(database.db, key, options);
  return {
    ...gateway,
    db: database.db,
    database,
    apiKey: key,
    apiKeyId,
    environmentId: 'env_test',
    close: () => database.close(),
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
