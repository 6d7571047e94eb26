/**
 * Re-encrypts stored credentials under the current encryption key: `tsx scripts/rotate-encryption-keys.ts`.
 * Rotate by putting a new key first in ENCRYPTION_KEYS (keep the old one after it), restart the gateway,
 * run this, then remove the old key. Uses the same configuration as `npm start`.
 */
import { resealIntegratedAccounts } from '../src/auth/key-rotation';
import { createVault, parseEncryptionKeys } from '../src/auth/vault';
import { ConfigError, loadConfig } from '../src/config';
import { migrate } from '../src/db/migrate';
import { openDatabase } from '../src/db/open';
import { resolveLocalSecrets } from '../src/local-secrets';

async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const secrets = await resolveLocalSecrets(
    config.dataDir,
    { encryptionKeys: config.encryptionKeys, signingSecret: config.signingSecret },
    () => {},
  );
  const vault = createVault(parseEncryptionKeys(secrets.encryptionKeys));
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: `${config.dataDir}/pglite` },
  );
  try {
    await migrate(database.db);
    const result = await resealIntegratedAccounts(database.db, vault);
    console.log(
      `Re-encrypted ${result.secrets} secret(s) in ${result.rows} integrated account(s) under key "${vault.currentKid}".`,
    );
    return 0;
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
