import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A path inside the gateway's own directory (the one holding its package.json, `mappings/` and `drizzle/`), found
 * by walking up from this module: the same answer from `src/` under tsx and from the bundle `npm start` runs from
 * `dist/`.
 */
export function projectPath(...segments: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, ...segments);
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('the gateway directory (with package.json) was not found above the code');
    dir = parent;
  }
}
