import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingRealPostgres } from '../../helpers/database';
import { json } from '../../helpers/http';
import { freePort, spawnGateway } from '../../helpers/spawn-gateway';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('npm start', () => {
  it(`prints a working API key and curl line on first start (${usingRealPostgres ? 'DATABASE_URL' : 'embedded PGlite'}), then shuts down gracefully`, {
    timeout: 240_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gw-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      SANDBOX: 'false',
    };
    if (usingRealPostgres) {
      const database = await createTestDatabase({ migrate: false });
      cleanups.push(() => database.close());
      env.DATABASE_URL = database.url!;
    }
    const gateway = spawnGateway(env);
    cleanups.push(async () => gateway.child.kill('SIGKILL'));
    const [, key] = await gateway.waitFor(/Development API key[^:]*: (dgw_\S+)/);
    const [, curlUrl] = await gateway.waitFor(/curl -H "Authorization: Bearer dgw_\S+" (http:\/\/\S+)/);
    const res = await fetch(curlUrl!, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ provider: 'docusign' });
    const journal = JSON.parse(await readFile('drizzle/meta/_journal.json', 'utf8')) as {
      entries: unknown[];
    };
    expect(gateway.output()).toContain(`"migrations_applied":${journal.entries.length}`);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toContain('"msg":"shutting down"');
  });
});
