/**
 * A lease on one row of a job's state table (columns `lease_until timestamptz` and `lease_holder text`), taken with
 * one conditional upsert: free or expired leases only. No transaction stays open while the holder works (PGlite has
 * one connection, and the holder's DocuSign calls read the database themselves). Only the holder renews or releases
 * it; a holder never takes over its own lease through `claim` (an unexpired lease is refused to everyone), so
 * callers keep their own in-process record of what they run.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rowsOf } from '../db/rows';

/** The leased row: its table and primary-key values (column name → value). */
export interface RowLeaseTarget {
  table: string;
  key: Record<string, string>;
}

const keyMatch = (target: RowLeaseTarget): SQL =>
  sql.join(
    Object.entries(target.key).map(([column, value]) => sql`${sql.identifier(column)} = ${value}`),
    sql` and `,
  );

/** Takes the lease until `now + leaseMs` when it is free or expired (inserting the row if missing); true if taken. */
export async function claimRowLease(
  db: Database,
  target: RowLeaseTarget,
  lease: { holder: string; now: number; leaseMs: number },
): Promise<boolean> {
  const columns = Object.keys(target.key);
  const table = sql.identifier(target.table);
  const until = new Date(lease.now + lease.leaseMs).toISOString();
  const result = await db.execute(sql`
    insert into ${table} (${sql.join(
      columns.map((c) => sql.identifier(c)),
      sql`, `,
    )}, lease_until, lease_holder)
    values (${sql.join(
      columns.map((c) => sql`${target.key[c]}`),
      sql`, `,
    )}, ${until}::timestamptz, ${lease.holder})
    on conflict (${sql.join(
      columns.map((c) => sql.identifier(c)),
      sql`, `,
    )}) do update set lease_until = excluded.lease_until, lease_holder = excluded.lease_holder
    where ${table}.lease_until is null or ${table}.lease_until < ${new Date(lease.now).toISOString()}::timestamptz
    returning 1 as claimed`);
  return rowsOf(result).length > 0;
}

/** Extends the lease of its holder; false when the holder no longer has it (expired and taken by another). */
export async function renewRowLease(
  db: Database,
  target: RowLeaseTarget,
  lease: { holder: string; now: number; leaseMs: number },
): Promise<boolean> {
  const until = new Date(lease.now + lease.leaseMs).toISOString();
  const result = await db.execute(sql`
    update ${sql.identifier(target.table)} set lease_until = ${until}::timestamptz
    where ${keyMatch(target)} and lease_holder = ${lease.holder}
    returning 1 as renewed`);
  return rowsOf(result).length > 0;
}

/** Gives the lease back (only its holder can). */
export async function releaseRowLease(db: Database, target: RowLeaseTarget, holder: string): Promise<void> {
  await db.execute(sql`
    update ${sql.identifier(target.table)} set lease_until = null, lease_holder = null
    where ${keyMatch(target)} and lease_holder = ${holder}`);
}
