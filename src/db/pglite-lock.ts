import { randomUUID } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { link, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';

/** What the lock file next to an embedded database records about the process holding it. */
export interface PgliteLockHolder {
  pid: number;
  started_at: string;
  /** Where the holder serves the gateway (set once it listens), so `npm run keys` can talk to it. */
  url?: string;
}

/** Another live process holds the embedded database. */
export class DatabaseLockedError extends Error {
  constructor(
    readonly directory: string,
    readonly holder: PgliteLockHolder,
  ) {
    super(
      `The embedded database ${directory} is in use by process ${holder.pid}` +
        `${holder.url ? ` (the gateway at ${holder.url})` : ''}. Only one process may open it: stop that process ` +
        `first, or use DATABASE_URL (PostgreSQL) to run several. ` +
        `If no such process runs, delete ${lockFileOf(directory)}.`,
    );
    this.name = 'DatabaseLockedError';
  }
}

/** The lock file of an embedded database directory: `<dir>.lock` beside it (PGlite owns the directory itself). */
export function lockFileOf(directory: string): string {
  return `${directory.replace(/\/+$/, '')}.lock`;
}

/**
 * Takes the lock of an embedded database directory for this process, so no second process opens it (two PGlite
 * instances on one directory overwrite each other's writes). A lock left by a process that no longer runs is taken
 * over. Throws DatabaseLockedError naming the holder otherwise. The lock is released by `release()` or at exit.
 */
export async function acquirePgliteLock(directory: string): Promise<{ release(): Promise<void> }> {
  const file = lockFileOf(directory);
  const mine: PgliteLockHolder = { pid: process.pid, started_at: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(mine)}\n`);
      } finally {
        await handle.close();
      }
      const onExit = () => releaseSync(file);
      process.once('exit', onExit);
      return {
        release: async () => {
          process.removeListener('exit', onExit);
          await releaseIfMine(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder && isAlive(holder.pid)) throw new DatabaseLockedError(directory, holder);
    if (!holder && attempt === 0) {
      // Perhaps being written this very moment: look again before calling it stale.
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    await takeOverStale(file, directory);
  }
  throw new Error(`Could not take the lock ${file}; try again`);
}

/** The live process holding `directory`'s lock, or null when none does. */
export async function readPgliteLockHolder(directory: string): Promise<PgliteLockHolder | null> {
  const holder = await readHolder(lockFileOf(directory));
  return holder && isAlive(holder.pid) ? holder : null;
}

/** Records in this process's lock where it serves the gateway. */
export async function recordGatewayUrl(directory: string, url: string): Promise<void> {
  const file = lockFileOf(directory);
  const holder = await readHolder(file);
  if (!holder || holder.pid !== process.pid) return;
  const tmp = `${file}.${randomUUID()}`;
  await writeFile(tmp, `${JSON.stringify({ ...holder, url })}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/** Moves a stale lock aside; if what was moved turns out to be a live process's fresh lock, puts it back. */
async function takeOverStale(file: string, directory: string): Promise<void> {
  const aside = `${file}.stale.${randomUUID()}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved && isAlive(moved.pid)) {
    await link(aside, file).catch(() => {});
    await unlink(aside).catch(() => {});
    throw new DatabaseLockedError(directory, moved);
  }
  await unlink(aside).catch(() => {});
}

async function readHolder(file: string): Promise<PgliteLockHolder | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PgliteLockHolder>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return {
      pid: parsed.pid,
      started_at: String(parsed.started_at ?? ''),
      ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
    };
  } catch {
    return null;
  }
}

async function releaseIfMine(file: string): Promise<void> {
  const holder = await readHolder(file);
  if (holder?.pid === process.pid) await unlink(file).catch(() => {});
}

function releaseSync(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Whether a process with this id runs (EPERM: it runs under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
