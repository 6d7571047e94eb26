/**
 * Child process entry (see pglite-init.ts): creates the embedded database cluster in the directory given as the
 * first argument, applies the migrations and answers `{"migrationsApplied":N}`. Node only; `npm start` bundles it
 * as dist/pglite-init-child.mjs.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { writeChildAnswer } from '../process/node-child';
import type { Database } from './client';
import { migrate } from './migrate';
import { pgliteOptions } from './pglite-options';
import * as schema from './schema';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-init-child <directory>');
const client = new PGlite(dir, pgliteOptions());
const migrationsApplied = await migrate(drizzle(client, { schema }) as unknown as Database);
await client.close();
writeChildAnswer(JSON.stringify({ migrationsApplied }));
