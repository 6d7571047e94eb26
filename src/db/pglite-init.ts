import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The child's own module beside this one: TypeScript under tsx (tests, `npm run dev`), the bundled
// dist/pglite-init-child.mjs when `npm start` runs dist/server.mjs.
const runningFromSource = import.meta.url.endsWith('.ts');
const childArgs = runningFromSource
  ? ['--import', 'tsx', fileURLToPath(new URL('./pglite-init-child.ts', import.meta.url))]
  : [fileURLToPath(new URL('./pglite-init-child.mjs', import.meta.url))];

/**
 * Creates the PGlite cluster of an empty directory and applies the migrations, in a short-lived child process:
 * initdb and the migrations grow PGlite's WebAssembly memory by a few hundred MB, and WebAssembly memory never
 * shrinks, so in the gateway's own process a first start would idle well above a restart
 * (`npm run bench -- footprint`). Returns how many migrations the child applied (0 for an existing cluster).
 */
export async function initializePgliteDir(dir: string): Promise<number> {
  if (existsSync(join(dir, 'PG_VERSION'))) return 0;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [...childArgs, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`Creating the embedded database in ${dir} failed (${signal ?? `exit ${code}`})`)),
    );
  });
  // The child's answer is its last line (anything PGlite itself might print comes before it).
  const answer = output.trim().split('\n').at(-1) ?? '';
  const applied = (JSON.parse(answer) as { migrationsApplied?: unknown }).migrationsApplied;
  return typeof applied === 'number' ? applied : 0;
}
