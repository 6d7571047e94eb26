import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pgliteOptions } from './pglite-options';

/**
 * Creates the PGlite cluster of an empty directory in a short-lived child process. initdb grows PGlite's
 * WebAssembly memory by several hundred MB, and WebAssembly memory never shrinks: run in the gateway's own process,
 * a first start would idle at twice the RSS of a restart (`npm run bench -- footprint`).
 */
export async function initializePgliteDir(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = `
    const { PGlite } = await import(${JSON.stringify(pglite)});
    const db = new PGlite(${JSON.stringify(dir)}, ${JSON.stringify(pgliteOptions())});
    await db.waitReady;
    await db.close();`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`Creating the embedded database in ${dir} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
