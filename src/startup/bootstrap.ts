import { count } from 'drizzle-orm';
import { createApiKey, ensureEnvironment } from '../api-keys/api-keys';
import type { Database } from '../db/client';
import { environments } from '../db/schema/index';

export const DEVELOPMENT_ENVIRONMENT = { id: 'env_development', name: 'development' } as const;

/** On an empty database, creates the development environment and one API key; returns the key, shown once. */
export async function bootstrapEmptyDatabase(db: Database): Promise<{ key: string } | null> {
  const [row] = await db.select({ n: count() }).from(environments);
  if ((row?.n ?? 0) > 0) return null;
  await ensureEnvironment(db, DEVELOPMENT_ENVIRONMENT.id, DEVELOPMENT_ENVIRONMENT.name);
  const { key } = await createApiKey(db, { environmentId: DEVELOPMENT_ENVIRONMENT.id, name: 'first key' });
  return { key };
}
