import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nodeEntryArgs, runNodeChild } from '../process/node-child';

// The child's own module beside this one; `npm start` bundles it as dist/pglite-init-child.mjs.
const childArgs = nodeEntryArgs(import.meta.url, './pglite-init-child.ts', './pglite-init-child.mjs');

/** What `initializePgliteDir` found or did. */
export interface PgliteDirInit {
  /** Whether this call created the cluster (false: the directory already held one). */
  created: boolean;
  migrationsApplied: number;
}

/** Creates and migrates the cluster of an empty directory; resolves with the number of migrations applied. */
export type PgliteDirCreator = (dir: string) => Promise<number>;

/**
 * Creates the PGlite cluster of an empty directory and applies the migrations, in a short-lived child process:
 * initdb and the migrations grow PGlite's WebAssembly memory by a few hundred MB, and WebAssembly memory never
 * shrinks, so in the gateway's own process a first start would idle well above a restart
 * (`npm run bench -- footprint`). A directory that already holds a cluster is left alone. `create` replaces the
 * child that does only that (the gateway's first start uses one that also writes its first API key).
 */
export async function initializePgliteDir(
  dir: string,
  create: PgliteDirCreator = createInInitChild,
): Promise<PgliteDirInit> {
  if (existsSync(join(dir, 'PG_VERSION'))) return { created: false, migrationsApplied: 0 };
  return { created: true, migrationsApplied: await create(dir) };
}

async function createInInitChild(dir: string): Promise<number> {
  const answer = await runNodeChild([...childArgs, dir], `Creating the embedded database in ${dir}`);
  const applied = (JSON.parse(answer) as { migrationsApplied?: unknown }).migrationsApplied;
  return typeof applied === 'number' ? applied : 0;
}
