import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { TestProject } from 'vitest/node';
import type { Database } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import * as schema from '../src/db/schema';

/** Where the embedded-database starting points built once per run live (null on a PostgreSQL run). */
export interface PgliteSnapshots {
  /** A `dumpDataDir` tarball of a database as initdb leaves it. */
  initdb: string;
  /** The same database with every migration in drizzle/ applied. */
  migrated: string;
  /** A PGlite data directory as initdb leaves it, copied under spawned gateways' DATA_DIR (gatewayDataDir). */
  initdbDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshots: PgliteSnapshots | null;
  }
}

async function writeDump(client: PGlite, file: string): Promise<Blob> {
  // Only once ready: dumpDataDir takes the query lock that PGlite's own start-up still needs.
  await client.waitReady;
  const dump = await client.dumpDataDir('none');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  return dump;
}

/**
 * Runs initdb (seconds on PGlite) and the real migrations once per run instead of once per test database: every
 * `createTestDatabase()` then loads its own copy of the migrated tarball, still one isolated database per call.
 */
export async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteSnapshots', null);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'gw-test-pglite-'));
  const snapshots: PgliteSnapshots = {
    initdb: join(dir, 'initdb.tar'),
    migrated: join(dir, 'migrated.tar'),
    initdbDir: join(dir, 'initdb-dir'),
  };
  const client = new PGlite();
  try {
    const initdb = await writeDump(client, snapshots.initdb);
    await migrate(drizzle(client, { schema }) as unknown as Database);
    await writeDump(client, snapshots.migrated);
    const onDisk = new PGlite(snapshots.initdbDir, { loadDataDir: initdb });
    await onDisk.waitReady;
    await onDisk.close();
  } finally {
    await client.close();
  }
  project.provide('pgliteSnapshots', snapshots);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
