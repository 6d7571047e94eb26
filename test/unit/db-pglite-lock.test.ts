import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acquirePgliteLock,
  DatabaseLockedError,
  readPgliteLockHolder,
  recordGatewayUrl,
} from '../../src/db/pglite-lock';
import { temporaryDirectories } from '../helpers/temporary-directories';

const temporaryDirectory = temporaryDirectories('gw-lock-');
async function databaseDir() {
  return join(await temporaryDirectory(), 'pglite');
}
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

// Issue 11, finding 1: one process per embedded database directory.
describe('the embedded database lock', () => {
  it('records the holder pid and URL, refuses a second holder by name, and is gone after release', async () => {
    const dir = await databaseDir();
    const lock = await acquirePgliteLock(dir);
    expect(JSON.parse(await readFile(`${dir}.lock`, 'utf8')).pid).toBe(process.pid);
    await recordGatewayUrl(dir, 'http://127.0.0.1:8080');
    expect(await readPgliteLockHolder(dir)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:8080' });
    const second = await acquirePgliteLock(dir).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(DatabaseLockedError);
    expect(String(second)).toMatch(
      new RegExp(`in use by process ${process.pid} \\(the gateway at http://127.0.0.1:8080\\)`),
    );
    await lock.release();
    expect(await exists(`${dir}.lock`)).toBe(false);
    expect(await readPgliteLockHolder(dir)).toBeNull();
  });

  it('takes over a lock whose process no longer runs, and one that is not a lock at all', async () => {
    const dir = await databaseDir();
    await writeFile(
      `${dir}.lock`,
      JSON.stringify({ pid: 4_194_000, started_at: 'x', url: 'http://127.0.0.1:9' }),
    );
    expect(await readPgliteLockHolder(dir)).toBeNull();
    const lock = await acquirePgliteLock(dir);
    expect(JSON.parse(await readFile(`${dir}.lock`, 'utf8')).pid).toBe(process.pid);
    await lock.release();
    await writeFile(`${dir}.lock`, 'garbage');
    const again = await acquirePgliteLock(dir);
    await again.release();
    expect(await exists(`${dir}.lock`)).toBe(false);
  });
});
