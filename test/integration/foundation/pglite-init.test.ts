import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrate';
import { openDatabase } from '../../../src/db/open';
import { initializePgliteDir } from '../../../src/db/pglite-init';
import { migrationCount } from '../../helpers/database';
import { temporaryDirectories } from '../../helpers/temporary-directories';

const temporaryDirectory = temporaryDirectories('gw-pglite-init-');

describe('embedded database directory', () => {
  it('creates and migrates the cluster of an empty directory in a child process, once, and opens it', async () => {
    const root = await temporaryDirectory();
    const dir = join(root, 'pglite');
    expect(await initializePgliteDir(dir)).toEqual({
      created: true,
      migrationsApplied: await migrationCount(),
    });
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    const created = statSync(join(dir, 'PG_VERSION')).mtimeMs;
    expect(await initializePgliteDir(dir)).toEqual({ created: false, migrationsApplied: 0 });
    expect(statSync(join(dir, 'PG_VERSION')).mtimeMs).toBe(created);
    const handle = await openDatabase({ pgliteDir: dir });
    try {
      expect(handle.migrationsAppliedOnCreate).toBe(0);
      // Already migrated by the child: nothing left for the gateway's own migrate.
      expect(await migrate(handle.db)).toBe(0);
      const client = (
        handle.db as unknown as { $client: { query(sql: string): Promise<{ rows: unknown[] }> } }
      ).$client;
      expect((await client.query('select count(*)::int as n from api_keys')).rows).toEqual([{ n: 0 }]);
    } finally {
      await handle.close();
    }
  });

  it('reports the migrations it applied when the gateway opens a new directory', async () => {
    const root = await temporaryDirectory();
    const handle = await openDatabase({ pgliteDir: join(root, 'pglite') });
    try {
      expect(handle.migrationsAppliedOnCreate).toBe(await migrationCount());
    } finally {
      await handle.close();
    }
  });

  it('says which directory it could not create', async () => {
    const root = await temporaryDirectory();
    // A file where the directory should be: the child cannot create the cluster there.
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    await expect(initializePgliteDir(file)).rejects.toThrow(
      `Creating the embedded database in ${file} failed`,
    );
  });
});
