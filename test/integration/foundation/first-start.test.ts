import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrate';
import { openDatabase } from '../../../src/db/open';
import {
  FIRST_START_CHILD_FLAG,
  type FirstStart,
  firstStartInChild,
  firstStartWrites,
} from '../../../src/startup/first-start';
import { createTestGateway, TEST_SECRETS } from '../../helpers/create-test-app';
import { migrationCount } from '../../helpers/database';
import { temporaryDirectories } from '../../helpers/temporary-directories';

const temporaryDirectory = temporaryDirectories('gw-first-start-');

// The sandbox connection made by the same child is covered end to end by server.test.ts (npm start on an empty
// DATA_DIR, then its curl line).
describe('first start on a new embedded database', () => {
  it('creates, migrates and gives the development environment one working API key in one child process, once', async () => {
    const root = await temporaryDirectory();
    const dir = join(root, 'pglite');
    const created: FirstStart[] = [];
    const create = async (d: string) => {
      const result = await firstStartInChild(d, { secrets: TEST_SECRETS, sandbox: null });
      if (result.firstStart) created.push(result.firstStart);
      return result.migrationsApplied;
    };
    const handle = await openDatabase({ pgliteDir: dir, create });
    try {
      expect(handle.migrationsAppliedOnCreate).toBe(await migrationCount());
      expect(await migrate(handle.db)).toBe(0);
      expect(created).toHaveLength(1);
      expect(created[0]!.sandboxConnection).toBeNull();
      const gateway = createTestGateway(handle.db, created[0]!.key);
      expect((await gateway.request('/integrated-accounts')).status).toBe(200);
      const wrong = createTestGateway(handle.db, `${created[0]!.key.slice(0, -4)}0000`);
      expect((await wrong.request('/integrated-accounts')).status).toBe(401);
      // Nothing left for the in-process path a PostgreSQL first start takes.
      expect(await firstStartWrites(handle.db, null, () => gateway.app)).toBeNull();
    } finally {
      await handle.close();
    }
    const reopened = await openDatabase({ pgliteDir: dir, create });
    await reopened.close();
    expect(created).toHaveLength(1);
  });

  it('starts the child before its input is ready, and fails with the reason when the input cannot be made', async () => {
    const root = await temporaryDirectory();
    const later = new Promise<{ secrets: typeof TEST_SECRETS; sandbox: null }>((resolve) =>
      setTimeout(() => resolve({ secrets: TEST_SECRETS, sandbox: null }), 200),
    );
    const result = await firstStartInChild(join(root, 'late'), later);
    expect(result.migrationsApplied).toBe(await migrationCount());
    expect(result.firstStart?.key).toMatch(/^dgw_[a-z0-9]+_\S+$/);

    const never = join(root, 'never');
    await expect(
      firstStartInChild(never, Promise.reject(new Error('the sandbox did not start'))),
    ).rejects.toThrow('the sandbox did not start');
    // The child still finished the database (no half-made cluster); the next start writes the first key itself.
    const handle = await openDatabase({ pgliteDir: never });
    try {
      expect(handle.migrationsAppliedOnCreate).toBe(0);
      expect(await migrate(handle.db)).toBe(0);
      expect(
        await firstStartWrites(handle.db, null, () => createTestGateway(handle.db, 'unused').app),
      ).toEqual({
        key: expect.stringMatching(/^dgw_/),
        sandboxConnection: null,
      });
    } finally {
      await handle.close();
    }
  });

  it('says which directory it could not set up', async () => {
    const root = await temporaryDirectory();
    const file = join(root, 'not-a-database');
    await writeFile(file, 'x');
    await expect(firstStartInChild(file, { secrets: TEST_SECRETS, sandbox: null })).rejects.toThrow(
      `The first start's setup in ${file} failed`,
    );
  });

  it('refuses the child flag without a directory instead of opening some other database', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts', FIRST_START_CHILD_FLAG], {
      encoding: 'utf8',
      input: '{}',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`usage: ${FIRST_START_CHILD_FLAG} <embedded database directory>`);
  });
});
