/** `npm run bench`: runs every bench/*.bench.ts in turn (each prints its own results lines). */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts') && (!only || name.includes(only)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const result = spawnSync(
    join(process.cwd(), 'node_modules', '.bin', 'tsx'),
    ['--expose-gc', join(dir, file)],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
