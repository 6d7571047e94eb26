// `npm start`: runs the gateway from a bundle of src/ (dist/server.mjs) so no TypeScript is transpiled at run time,
// rebuilding it first when any file under src/ is newer than the bundle (a fresh clone, a git pull, an edit).
// Dependencies stay in node_modules (only the gateway's own code is bundled). Plain JavaScript: it must run before
// anything is built. `node scripts/start.mjs --build` only builds.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'src', 'server.ts');
const bundle = join(root, 'dist', 'server.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const stale =
  !existsSync(bundle) ||
  statSync(bundle).mtimeMs <
    Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
if (stale) {
  // esbuild comes with tsx, a dependency, so it is there on every install.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
  });
  // Written aside and renamed: several gateways starting together (tests do) never import a half-written bundle.
  mkdirSync(dirname(bundle), { recursive: true });
  for (const file of result.outputFiles) {
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
}
if (!process.argv.includes('--build')) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
}
