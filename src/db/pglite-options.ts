import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * Server settings for the embedded database. PGlite runs one single-user backend, yet starts with PostgreSQL's
 * defaults (128 MB of shared buffers, 100 connections), and zeroing that shared memory in WebAssembly was half of
 * every start (about 400 ms here) and 100 MB of RSS. The gateway's tables are small; a larger deployment runs on
 * PostgreSQL (`DATABASE_URL`).
 */
export const PGLITE_SETTINGS = ['shared_buffers=16MB', 'max_connections=5'] as const;

/** PGlite options with the gateway's server settings added to PGlite's own start parameters. */
export function pgliteOptions(options: PGliteOptions = {}): PGliteOptions {
  return {
    ...options,
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
  };
}
