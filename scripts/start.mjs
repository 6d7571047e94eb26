// `npm start`: runs the gateway from one bundle (dist/server.mjs) so no TypeScript is transpiled at run time,
// rebuilding it first when any file under src/ is newer than the bundle (a fresh clone, a git pull, an edit) or
// dependencies were installed since. Dependencies are bundled too, except PGlite, which loads its WebAssembly and
// data files beside its own module: resolving and linking a few hundred node_modules files was a sixth of a
// restart. The source map is written but applied only with NODE_OPTIONS=--enable-source-maps (reading it at every
// start cost 0.2 s). Plain JavaScript: it must run before anything is built. `node scripts/start.mjs --build` only
// builds.
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

const mtimeOf = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const stale =
  !existsSync(bundle) ||
  statSync(bundle).mtimeMs <
    Math.max(
      newestMtime(join(root, 'src')),
      mtimeOf(join(root, 'package.json')),
      // npm rewrites this file on every install: a dependency upgraded since the build is bundled again.
      mtimeOf(join(root, 'node_modules', '.package-lock.json')),
    );
if (stale) {
  // esbuild comes with tsx, a dependency, so it is there on every install.
  const { build } = await import('esbuild');
  const result = await build({
    // The embedded database is created and migrated in a child process (src/db/pglite-init.ts) from its own entry.
    entryPoints: { server: entry, 'pglite-init-child': join(root, 'src', 'db', 'pglite-init-child.ts') },
    outdir: dirname(bundle),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@electric-sql/pglite'],
    // Bundled CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
    banner: {
      js: "import { createRequire as __gatewayRequire } from 'node:module'; const require = __gatewayRequire(import.meta.url);",
    },
    sourcemap: true,
    sourcesContent: false,
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
if (!process.argv.includes('--build')) await import(pathToFileURL(bundle).href);
