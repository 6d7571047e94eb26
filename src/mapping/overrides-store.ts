import { and, asc, eq, inArray } from 'drizzle-orm';
import { TtlCache } from '../cache/ttl-cache';
import type { Database } from '../db/client';
import { mappingOverrides } from '../db/schema/index';
import type { FieldSpec } from './format';
import type { MappingOverride } from './overrides';

/** The overrides of one resource that apply to a call, and a version string that changes when any of them does. */
export interface ApplicableOverrides {
  overrides: MappingOverride[];
  version: string;
}

export interface OverridesStoreOptions {
  /**
   * Reuse the answer of `applicable` for this long in the process (default 0: ask the database every call).
   * `put` and `remove` through this store forget every reused answer at once; another process's writes are seen
   * after at most this long.
   */
  reuseMs?: number;
  now?: () => number;
}

/** Field overrides stored per environment (`integratedAccountId` empty) and per integrated account. */
export function createOverridesStore(db: Database, options: OverridesStoreOptions = {}) {
  const reuseMs = options.reuseMs ?? 0;
  const now = options.now ?? Date.now;
  const reusable = new TtlCache<string, ApplicableOverrides>({ maxEntries: 10_000, ttlMs: reuseMs, now });
  // Bumped by every write, so a read that raced a write is not kept.
  let generation = 0;
  const forget = () => {
    generation++;
    reusable.clear();
  };
  /** `applicable` straight from the database. */
  async function readApplicable(
    environmentId: string,
    integratedAccountId: string,
    model: string,
    resource: string,
  ): Promise<ApplicableOverrides> {
    const rows = await db
      .select()
      .from(mappingOverrides)
      .where(
        and(
          eq(mappingOverrides.environmentId, environmentId),
          eq(mappingOverrides.model, model),
          eq(mappingOverrides.resource, resource),
          inArray(mappingOverrides.integratedAccountId, ['', integratedAccountId]),
        ),
      )
      .orderBy(asc(mappingOverrides.field));
    return {
      overrides: rows.map((row) => ({
        scope: row.integratedAccountId ? 'integrated_account' : 'environment',
        field: row.field,
        ...(row.method ? { method: row.method } : {}),
        spec: row.definition as FieldSpec | null,
      })),
      // The spec is part of the version: two changes within one clock tick must not reuse a stale compile.
      version: rows
        .map((row) => `${row.id}@${row.updatedAt.getTime()}:${JSON.stringify(row.definition)}`)
        .join(','),
    };
  }

  return {
    /** Environment-wide and account overrides for a resource; the account's win when both set a field. */
    async applicable(
      environmentId: string,
      integratedAccountId: string,
      model: string,
      resource: string,
    ): Promise<ApplicableOverrides> {
      const key = JSON.stringify([environmentId, integratedAccountId, model, resource]);
      const hit = reusable.get(key);
      if (hit) return hit;
      const readAt = generation;
      const value = await readApplicable(environmentId, integratedAccountId, model, resource);
      if (readAt === generation) reusable.set(key, value);
      return value;
    },

    /** Overrides stored for one scope (an environment, or one of its integrated accounts). */
    async list(environmentId: string, integratedAccountId: string, model: string, resource: string) {
      return db
        .select()
        .from(mappingOverrides)
        .where(
          and(
            eq(mappingOverrides.environmentId, environmentId),
            eq(mappingOverrides.integratedAccountId, integratedAccountId),
            eq(mappingOverrides.model, model),
            eq(mappingOverrides.resource, resource),
          ),
        )
        .orderBy(asc(mappingOverrides.field));
    },

    /** Adds or replaces the override of one field (per method when `method` is set). */
    async put(input: {
      environmentId: string;
      integratedAccountId: string;
      model: string;
      resource: string;
      field: string;
      method: string;
      spec: FieldSpec | null;
      now: Date;
    }) {
      const values = {
        id: `mo_${crypto.randomUUID().replaceAll('-', '')}`,
        environmentId: input.environmentId,
        integratedAccountId: input.integratedAccountId,
        model: input.model,
        resource: input.resource,
        field: input.field,
        method: input.method,
        definition: input.spec,
        updatedAt: input.now,
      };
      const [row] = await db
        .insert(mappingOverrides)
        .values(values)
        .onConflictDoUpdate({
          target: [
            mappingOverrides.environmentId,
            mappingOverrides.integratedAccountId,
            mappingOverrides.model,
            mappingOverrides.resource,
            mappingOverrides.method,
            mappingOverrides.field,
          ],
          set: { definition: input.spec, updatedAt: input.now },
        })
        .returning();
      forget();
      return row!;
    },

    /** Deletes the override of one field; returns whether there was one. */
    async remove(input: {
      environmentId: string;
      integratedAccountId: string;
      model: string;
      resource: string;
      field: string;
      method: string;
    }): Promise<boolean> {
      const rows = await db
        .delete(mappingOverrides)
        .where(
          and(
            eq(mappingOverrides.environmentId, input.environmentId),
            eq(mappingOverrides.integratedAccountId, input.integratedAccountId),
            eq(mappingOverrides.model, input.model),
            eq(mappingOverrides.resource, input.resource),
            eq(mappingOverrides.method, input.method),
            eq(mappingOverrides.field, input.field),
          ),
        )
        .returning({ id: mappingOverrides.id });
      forget();
      return rows.length > 0;
    },
  };
}

export type OverridesStore = ReturnType<typeof createOverridesStore>;
