import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open';
import {
  FIRST_START_CHILD_FLAG,
  type FirstStart,
  firstStartInChild,
  firstStartWrites,
} from '../../../src/startup/first-start';
import { createTestGateway, TEST_SECRETS } from '../../helpers/create-test-app';
import { temporaryDirectories } from '../../helpers/temporary-directories';

const temporaryDirectory = temporaryDirectories('gw-first-start-');

// The sandbox connection made by the same child is covered end to end by server.test.ts (npm start on an empty
// DATA_DIR, then its curl line).
describe('first start on a new embedded database', () => {
  it('creates the development environment and one working API key in a child process, once', async () => {
    const root = await temporaryDirectory();
    const dir = join(root, 'pglite');
    const created: FirstStart[] = [];
    const onCreated = async (d: string) => {
      const first = await firstStartInChild(d, { secrets: TEST_SECRETS, sandbox: null });
      if (first) created.push(first);
    };
    const handle = await openDatabase({ pgliteDir: dir, onCreated });
    try {
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
    const reopened = await openDatabase({ pgliteDir: dir, onCreated });
    await reopened.close();
    expect(created).toHaveLength(1);
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
