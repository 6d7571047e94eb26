import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { projectPath } from '../project-path';
import type { Database } from './client';
import { rowsOf } from './rows';

/**
 * Applies the drizzle-kit migrations in `drizzle/` that have not run yet, in one transaction, under an
 * advisory lock so several gateway processes starting together do not race.
 */
export async function migrate(db: Database, migrationsFolder = projectPath('drizzle')): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder });
  let applied = 0;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727310)`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    const rows = await tx.execute(
      sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    const last = rowsOf<{ created_at: string | number | null }>(rows)[0];
    const lastApplied = last?.created_at == null ? 0 : Number(last.created_at);
    for (const migration of migrations) {
      if (migration.folderMillis <= lastApplied) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
      applied++;
    }
  });
  return applied;
}
