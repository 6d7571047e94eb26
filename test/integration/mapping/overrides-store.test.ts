import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureEnvironment } from '../../../src/api-keys/api-keys';
import { mappingOverrides } from '../../../src/db/schema/index';
import { createOverridesStore } from '../../../src/mapping/overrides-store';
import { createTestDatabase } from '../../helpers/database';

describe('overrides store reuse (reuseMs)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const clock = { now: 1_000_000 };

  beforeEach(async () => {
    database = await createTestDatabase();
    await ensureEnvironment(database.db, 'env_o', 'overrides');
    clock.now = 1_000_000;
  });
  afterEach(() => database.close());

  /** A write that does not go through the store under test (as another process would write). */
  const writeElsewhere = (field: string) =>
    database.db.insert(mappingOverrides).values({
      id: `mo_${field}`,
      environmentId: 'env_o',
      integratedAccountId: '',
      model: 'user-directory',
      resource: 'users',
      field,
      method: '',
      definition: { const: field },
    });
  const fields = async (store: ReturnType<typeof createOverridesStore>) =>
    (await store.applicable('env_o', 'ia_1', 'user-directory', 'users')).overrides.map((o) => o.field);

  it('reuses an answer until reuseMs has passed, and forgets it at once on its own remove', async () => {
    const store = createOverridesStore(database.db, { reuseMs: 5_000, now: () => clock.now });
    await writeElsewhere('title');
    expect(await fields(store)).toEqual(['title']);
    await writeElsewhere('name');
    expect(await fields(store)).toEqual(['title']);
    clock.now += 5_001;
    expect(await fields(store)).toEqual(['name', 'title']);

    await writeElsewhere('username');
    const removed = await store.remove({
      environmentId: 'env_o',
      integratedAccountId: '',
      model: 'user-directory',
      resource: 'users',
      field: 'title',
      method: '',
    });
    expect(removed).toBe(true);
    expect(await fields(store)).toEqual(['name', 'username']);
  });

  it('reads the database on every call by default', async () => {
    const store = createOverridesStore(database.db);
    expect(await fields(store)).toEqual([]);
    await writeElsewhere('title');
    expect(await fields(store)).toEqual(['title']);
  });
});
