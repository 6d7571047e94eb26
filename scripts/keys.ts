/**
 * Admin CLI: `npm run keys -- create [--env ID] [--name NAME] | list [--env ID] | revoke <id|prefix>`, and
 * `rotate-encryption` to re-encrypt stored credentials under the current ENCRYPTION_KEYS key.
 * Uses the same configuration (DATABASE_URL or the embedded database under DATA_DIR) as `npm start`. While a gateway
 * holds the embedded database, create/list/revoke go through that gateway's `/admin/api-keys` routes (found through
 * the database's lock file; `--gateway URL` names one explicitly, e.g. on PostgreSQL for an instant revoke there).
 */
import { parseArgs } from 'node:util';
import {
  type ApiKeySummary,
  createApiKey,
  ensureEnvironment,
  listApiKeys,
  revokeApiKey,
} from '../src/api-keys/api-keys';
import { ConfigError, loadConfig } from '../src/config';
import { resealIntegratedAccounts } from '../src/credentials/key-rotation';
import { createVault, parseEncryptionKeys } from '../src/credentials/vault';
import { migrate } from '../src/db/migrate';
import { embeddedDatabaseDir, openConfiguredDatabase } from '../src/db/open';
import { readPgliteLockHolder } from '../src/db/pglite-lock';
import { DEVELOPMENT_ENVIRONMENT } from '../src/startup/bootstrap';
import { resolveLocalSecrets } from '../src/startup/local-secrets';
import { gatewayKeysClient } from './keys-gateway-client';

const USAGE =
  'usage: npm run keys -- create [--env ID] [--name NAME] | list [--env ID] | revoke <key id or prefix>' +
  ' [--gateway URL] | rotate-encryption';

type Config = ReturnType<typeof loadConfig>;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { env: { type: 'string' }, name: { type: 'string' }, gateway: { type: 'string' } },
  });
  const [command, target] = positionals;
  if (!command || !['create', 'list', 'revoke', 'rotate-encryption'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'revoke' && !target) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env);
  if (command === 'rotate-encryption') return rotateEncryption(config);
  const gatewayUrl = values.gateway ?? (await runningGatewayUrl(config));
  if (gatewayUrl) return viaGateway(config, gatewayUrl, command, target, values);
  return direct(config, command, target, values);
}

/** The URL of the gateway holding the embedded database, if one runs (never for DATABASE_URL). */
async function runningGatewayUrl(config: Config): Promise<string | undefined> {
  if (config.databaseUrl) return undefined;
  const holder = await readPgliteLockHolder(embeddedDatabaseDir(config));
  if (!holder) return undefined;
  if (!holder.url) {
    throw new Error(
      `Process ${holder.pid} holds the embedded database ${embeddedDatabaseDir(config)} but is not serving yet; ` +
        'retry in a moment.',
    );
  }
  return holder.url;
}

async function viaGateway(
  config: Config,
  url: string,
  command: string,
  target: string | undefined,
  values: { env?: string; name?: string },
): Promise<number> {
  const secrets = await resolveLocalSecrets(
    config.dataDir,
    { encryptionKeys: config.encryptionKeys, signingSecret: config.signingSecret },
    () => {},
  );
  const client = await gatewayKeysClient(url, secrets.signingSecret);
  if (command === 'create') {
    const created = await client.create({ environmentId: values.env, name: values.name });
    console.log(
      `Created ${created.id} in ${created.environment_id} (through the gateway at ${url}). The key is shown once:\n${created.key}`,
    );
    return 0;
  }
  if (command === 'list') {
    const keys = await client.list(values.env);
    for (const key of keys) {
      printKey({
        id: key.id,
        environmentId: key.environment_id,
        prefix: key.prefix,
        name: key.name,
        revokedAt: key.revoked_at ? new Date(key.revoked_at) : null,
        lastUsedAt: key.last_used_at ? new Date(key.last_used_at) : null,
      });
    }
    if (keys.length === 0) console.log('No API keys.');
    return 0;
  }
  const revoked = await client.revoke(target!);
  console.log(revoked ? `Revoked ${target} (through the gateway at ${url}).` : `No active key ${target}.`);
  return revoked ? 0 : 1;
}

async function direct(
  config: Config,
  command: string,
  target: string | undefined,
  values: { env?: string; name?: string },
): Promise<number> {
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database.db);
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
      for (const key of keys) printKey(key);
      if (keys.length === 0) console.log('No API keys.');
      return 0;
    }
    const revoked = await revokeApiKey(database.db, target!, new Date());
    console.log(revoked ? `Revoked ${target}.` : `No active key ${target}.`);
    return revoked ? 0 : 1;
  } finally {
    await database.close();
  }
}

async function rotateEncryption(config: Config): Promise<number> {
  // Needs the database itself: on the embedded one, stop the gateway first (opening it while held fails clearly).
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database.db);
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
  } finally {
    await database.close();
  }
}

function printKey(
  key: Pick<ApiKeySummary, 'id' | 'environmentId' | 'prefix' | 'name' | 'revokedAt' | 'lastUsedAt'>,
) {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
  const used = key.lastUsedAt ? key.lastUsedAt.toISOString() : 'never';
  console.log(
    `${key.id}\t${key.environmentId}\tdgw_${key.prefix}_…\t${key.name}\t${state}\tlast used ${used}`,
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) for (const line of error.lines) console.error(line);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
