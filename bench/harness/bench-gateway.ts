/**
 * The gateway as the benches build it: on a migrated database, one environment with one API key, bench secrets,
 * logging at `warn`, the per-key limit out of the way, and DocuSign's sandbox environment at the simulator's origin.
 * `extra` adds what one bench needs (its fetch, clock, limits or rate-limit store).
 */
import { createApiKey, ensureEnvironment } from '../../src/api-keys/api-keys';
import { type AppDeps, createApp } from '../../src/app';
import type { Database } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { createJsonLogger } from '../../src/http/logger';

export interface BenchSimulator {
  origin: string;
  clientId: string;
  clientSecret: string;
}

export async function createBenchGateway(
  db: Database,
  sim: BenchSimulator,
  extra: Partial<Omit<AppDeps, 'db' | 'config' | 'logger' | 'secrets' | 'docusign'>>,
) {
  await migrate(db);
  await ensureEnvironment(db, 'env_bench', 'bench');
  const { key } = await createApiKey(db, { environmentId: 'env_bench', name: 'bench' });
  const app = createApp({
    config: {
      publicUrl: 'http://127.0.0.1',
      bodyLimitBytes: 1024 * 1024,
      rateLimit: { requests: 1e9, windowSeconds: 10 },
    },
    db,
    logger: createJsonLogger('warn'),
    secrets: {
      encryptionKeys: `bench1:${Buffer.alloc(32, 3).toString('base64')}`,
      signingSecret: 'bench-signing-secret-0123456789abcdef',
    },
    docusign: {
      defaultEnvironment: 'sandbox',
      environments: {
        sandbox: {
          oauthBase: sim.origin,
          adminBase: `${sim.origin}/management`,
          clientId: sim.clientId,
          clientSecret: sim.clientSecret,
        },
      },
    },
    ...extra,
  });
  return { app, key };
}
