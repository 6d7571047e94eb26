/** Persistence of the sandbox state in SANDBOX_DATA_DIR (Node only): loaded at start, saved after changes and at exit. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocusignSimulator } from '../simulator';

export interface StateFile {
  path: string;
  /** Whether the state was loaded from an earlier run. */
  restored: boolean;
  /** Notes that something may have changed; the state is saved shortly after (coalesced). */
  touch(): void;
  /** Writes the state now (atomically: a temporary file renamed over the old one). */
  save(): Promise<void>;
}

const SAVE_DELAY_MS = 1000;

/** Restores `sim` from `dataDir/sandbox-state.json` when it exists and returns the saver. */
export async function loadStateFile(sim: DocusignSimulator, dataDir: string): Promise<StateFile> {
  const path = join(dataDir, 'sandbox-state.json');
  let restored = false;
  try {
    sim.restore(await readFile(path, 'utf8'));
    restored = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const save = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(async () => {
      await mkdir(dataDir, { recursive: true });
      await writeFile(`${path}.tmp`, sim.snapshot(), { mode: 0o600 });
      await rename(`${path}.tmp`, path);
    });
    await writing;
  };
  return {
    path,
    restored,
    touch() {
      if (timer) return;
      timer = setTimeout(() => void save(), SAVE_DELAY_MS);
      timer.unref();
    },
    save,
  };
}
