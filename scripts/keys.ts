/**
 * Admin CLI: `npm run keys -- create [--env ID] [--name NAME] | list [--env ID] | revoke <id|prefix>`, and
 * `rotate-encryption` to re-encrypt stored credentials under the current ENCRYPTION_KEYS key.
 * Uses the same configuration (DATABASE_URL or the embedded database under DATA_DIR) as `npm start`.
 */
import { parseArgs } from 'node:util';
import { createApiKey, ensureEnvironment, listApiKeys, revokeApiKey } from '../src/api-keys/api-keys';
import { ConfigError, loadConfig } from '../src/config';
import { resealIntegratedAccounts } from '../src/credentials/key-rotation';
import { createVault, parseEncryptionKeys } from '../src/credentials/vault';
import { migrate } from '../src/db/migrate';
import { openConfiguredDatabase } from '../src/db/open';
import { DEVELOPMENT_ENVIRONMENT } from '../src/startup/bootstrap';
import { resolveLocalSecrets } from '../src/startup/local-secrets';

const USAGE =
  'usage: npm run keys -- create [--env ID] [--name NAME] | list [--env ID] | revoke <key id or prefix>';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { env: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, target] = positionals;
  if (!command || !['create', 'list', 'revoke', 'rotate-encryption'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env);
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database.db);
    if (command === 'rotate-encryption') {
      // Put the new key first in ENCRYPTION_KEYS (old ones after it), run this, then drop the old keys.
      const secrets = await resolveLocalSecrets(
        config.dataDir,
        { encryptionKeys: config.encryptionKeys, signingSecret: config.signingSecret },
        () => {},
      );
      const vault = createVault(parseEncryptionKeys(secrets.encryptionKeys));
      const result = await resealIntegratedAccounts(database.db, vault);
      console.log(
        `Re-encrypted ${result.secrets} secret(s) in ${result.rows} integrated account(s) under key "${vault.currentKid}".`,
      );
      return 0;
    }
    if (command === 'create') {
      const environmentId = values.env ?? DEVELOPMENT_ENVIRONMENT.id;
      const name = values.env ?? DEVELOPMENT_ENVIRONMENT.name;
      await ensureEnvironment(database.db, environmentId, name);
      const created = await createApiKey(database.db, { environmentId, name: values.name ?? 'cli' });
      console.log(`Created ${created.id} in ${environmentId}. The key is shown once:\n${created.key}`);
      return 0;
    }
    if (command === 'list') {
      const keys = await listApiKeys(database.db, values.env);
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        const used = key.lastUsedAt ? key.lastUsedAt.toISOString() : 'never';
        console.log(
          `${key.id}\t${key.environmentId}\tdgw_${key.prefix}_…\t${key.name}\t${state}\tlast used ${used}`,
        );
      }
      if (keys.length === 0) console.log('No API keys.');
      return 0;
    }
    if (!target) {
      console.error(USAGE);
      return 2;
    }
    const revoked = await revokeApiKey(database.db, target, new Date());
    console.log(revoked ? `Revoked ${target}.` : `No active key ${target}.`);
    return revoked ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) for (const line of error.lines) console.error(line);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
