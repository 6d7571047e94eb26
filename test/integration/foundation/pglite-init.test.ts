import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open';
import { initializePgliteDir } from '../../../src/db/pglite-init';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('embedded database directory', () => {
  it('creates the cluster of an empty directory in a child process, once, and opens it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gw-pglite-init-'));
    dirs.push(root);
    const dir = join(root, 'pglite');
    await initializePgliteDir(dir);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    const created = statSync(join(dir, 'PG_VERSION')).mtimeMs;
    await initializePgliteDir(dir);
    expect(statSync(join(dir, 'PG_VERSION')).mtimeMs).toBe(created);
    const handle = await openDatabase({ pgliteDir: dir });
    try {
      const client = (
        handle.db as unknown as { $client: { query(sql: string): Promise<{ rows: unknown[] }> } }
      ).$client;
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });

  it('says which directory it could not create', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gw-pglite-init-'));
    dirs.push(root);
    // A file where the directory should be: the child cannot create the cluster there.
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    await expect(initializePgliteDir(file)).rejects.toThrow(
      `Creating the embedded database in ${file} failed`,
    );
  });
});
