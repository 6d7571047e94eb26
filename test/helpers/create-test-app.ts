import { createApiKey, ensureEnvironment } from '../../src/api-keys/api-keys';
import { type AppDeps, createApp } from '../../src/app';
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

/** Builds the gateway on a fresh migrated database with one environment and one API key. */
export async function createTestApp(options: TestAppOptions = {}) {
  const database = await createTestDatabase();
  const logger = createMemoryLogger();
  await ensureEnvironment(database.db, 'env_test', 'test');
  const { key, id: apiKeyId } = await createApiKey(database.db, { environmentId: 'env_test', name: 'test' });
  const app = createApp({
    secrets: TEST_SECRETS,
    docsScript: readDocsScript,
    ...options,
    db: database.db,
    logger,
    config: { publicUrl: 'http://gateway.test', bodyLimitBytes: 1024 * 1024, ...options.config },
  });
  const authHeaders = { authorization: `Bearer ${key}` };
  return {
    app,
    db: database.db,
    database,
    logger,
    apiKey: key,
    apiKeyId,
    environmentId: 'env_test',
    authHeaders,
    /** `app.request` with the API key set. */
    request: (path: string, init: RequestInit = {}) =>
      app.request(path, {
        ...init,
        headers: { ...authHeaders, ...(init.headers as Record<string, string>) },
      }),
    close: () => database.close(),
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
