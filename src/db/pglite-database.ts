import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database } from './client';
import * as schema from './schema';

/**
 * The drizzle database over a PGlite client: the gateway's own, the test snapshot's, and the start-up children's
 * (kept apart from open.ts so a child's bundle does not carry postgres.js). The cast: drizzle types each driver's
 * database by its own query result; `Database` is what both drivers share.
 */
export function pgliteDatabase(client: PGlite): Database {
  return drizzle(client, { schema }) as unknown as Database;
}
