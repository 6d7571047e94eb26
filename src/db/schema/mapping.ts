import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One field override of a unified resource's mapping, per environment or per integrated account.
 * `definition` null removes the field; otherwise it is the field's mapping (same format as the YAML files).
 */
export const mappingOverrides = pgTable(
  'mapping_overrides',
  {
    id: text('id').primaryKey(),
    environmentId: text('environment_id').notNull(),
    /** Empty string = applies to the whole environment (empty instead of null keeps the unique index simple). */
    integratedAccountId: text('integrated_account_id').notNull().default(''),
    model: text('model').notNull(),
    resource: text('resource').notNull(),
    /** Empty = the resource's `fields`; else that method's own `response.fields`. */
    method: text('method').notNull().default(''),
    field: text('field').notNull(),
    definition: jsonb('definition').$type<unknown>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('mapping_overrides_target_idx').on(
      t.environmentId,
      t.integratedAccountId,
      t.model,
      t.resource,
      t.method,
      t.field,
    ),
    index('mapping_overrides_lookup_idx').on(t.environmentId, t.model, t.resource),
  ],
);
