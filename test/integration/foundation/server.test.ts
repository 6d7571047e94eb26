import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, migrationCount, usingRealPostgres } from '../../helpers/database';
import { json } from '../../helpers/http';
import { readmeCurlLines, runCurl } from '../../helpers/readme-walk';
import { freePort, spawnGateway } from '../../helpers/spawn-gateway';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('npm start', () => {
  it(`prints a working API key and a curl line that lists sandbox users on first start (${usingRealPostgres ? 'DATABASE_URL' : 'embedded PGlite'}), then shuts down gracefully`, {
    timeout: 240_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gw-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // No DocuSign credentials: the built-in sandbox starts and the printed curl lists its users.
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
      DOCUSIGN_CLIENT_ID: '',
      DOCUSIGN_CLIENT_SECRET: '',
    };
    if (usingRealPostgres) {
      const database = await createTestDatabase({ migrate: false });
      cleanups.push(() => database.close());
      env.DATABASE_URL = database.url!;
    }
    const gateway = spawnGateway(env);
    cleanups.push(async () => gateway.child.kill('SIGKILL'));
    const [, key] = await gateway.waitFor(/Development API key[^:]*: (dgw_\S+)/);
    const [, curlUrl] = await gateway.waitFor(/curl -H "Authorization: Bearer dgw_\S+" "(http:\/\/[^"]+)"/);
    expect(curlUrl).toContain('/unified/user-directory/users?integrated_account_id=ia_');
    const res = await fetch(curlUrl!, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.result).toHaveLength(3);
    expect(body.result[0]).toMatchObject({ status: expect.any(String), account_id: expect.any(String) });
    expect(typeof body.next_cursor).toBe('string');

    // The README's "first 5 minutes", command by command, with the key and connection this start printed.
    const vars = {
      GW: new URL(curlUrl!).origin,
      KEY: key!,
      IA: new URL(curlUrl!).searchParams.get('integrated_account_id')!,
    };
    const walk = readmeCurlLines('The first 5 minutes');
    expect(walk.length).toBeGreaterThanOrEqual(5);
    for (const line of walk) {
      const step = await runCurl(line, vars);
      expect(step.status, `${line}\n${await step.clone().text()}`).toBeLessThan(300);
    }
    expect(gateway.output()).toContain(`"migrations_applied":${await migrationCount()}`);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited, gateway.output().slice(-3000)).toBe(0);
    expect(gateway.output()).toContain('"msg":"shutting down"');

    // A restart keeps the key and the sandbox connection, and says how to create a key instead of printing one.
    const restarted = spawnGateway(env);
    cleanups.push(async () => restarted.child.kill('SIGKILL'));
    await restarted.waitFor(/Create one \(works while the gateway runs\):\s+npm run keys -- create/);
    await restarted.waitFor(/gateway listening/);
    expect(restarted.output()).not.toContain('Development API key');
    const again = await fetch(curlUrl!, { headers: { authorization: `Bearer ${key}` } });
    expect(again.status).toBe(200);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });
});
