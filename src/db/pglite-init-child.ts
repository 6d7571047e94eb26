/**
 * Child process entry (see pglite-init.ts): creates the embedded database cluster in the directory given as the
 * first argument, applies the migrations and answers `{"migrationsApplied":N}`. Node only; `npm start` bundles it
 * as dist/pglite-init-child.mjs.
 */
import { PGlite } from '@electric-sql/pglite';
import { writeChildAnswer } from '../process/node-child';
import { migrate } from './migrate';
import { pgliteDatabase } from './pglite-database';
import { pgliteOptions } from './pglite-options';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-init-child <directory>');
const client = new PGlite(dir, pgliteOptions());
const migrationsApplied = await migrate(pgliteDatabase(client));
await client.close();
writeChildAnswer(JSON.stringify({ migrationsApplied }));
