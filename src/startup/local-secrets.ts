import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Secrets the gateway needs; in local mode they are generated once and kept in `<dataDir>/secrets.json`. */
export interface LocalSecrets {
  encryptionKeys: string;
  signingSecret: string;
}

/**
 * Returns the configured secrets, filling the missing ones from `<dataDir>/secrets.json` (creating it, mode 0600,
 * on first use). `onGenerated` is told which were generated so the caller can log it.
 */
export async function resolveLocalSecrets(
  dataDir: string,
  configured: Partial<LocalSecrets>,
  onGenerated: (names: string[], file: string) => void,
): Promise<LocalSecrets> {
  if (configured.encryptionKeys && configured.signingSecret) {
    return { encryptionKeys: configured.encryptionKeys, signingSecret: configured.signingSecret };
  }
  const file = join(dataDir, 'secrets.json');
  let stored: Partial<LocalSecrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>;
  } catch {
    // No file yet: generate below.
  }
  const generated: string[] = [];
  const pick = (
    name: string,
    configuredValue: string | undefined,
    storedValue: string | undefined,
    make: () => string,
  ) => {
    if (configuredValue) return configuredValue;
    if (storedValue) return storedValue;
    generated.push(name);
    return make();
  };
  const secrets: LocalSecrets = {
    encryptionKeys: pick(
      'ENCRYPTION_KEYS',
      configured.encryptionKeys,
      stored.encryptionKeys,
      () => `local1:${Buffer.from(randomBytes(32)).toString('base64')}`,
    ),
    signingSecret: pick('SIGNING_SECRET', configured.signingSecret, stored.signingSecret, () =>
      Buffer.from(randomBytes(32)).toString('base64url'),
    ),
  };
  if (generated.length > 0) {
    await mkdir(dataDir, { recursive: true });
    const toStore = { ...stored };
    if (generated.includes('ENCRYPTION_KEYS')) toStore.encryptionKeys = secrets.encryptionKeys;
    if (generated.includes('SIGNING_SECRET')) toStore.signingSecret = secrets.signingSecret;
    await writeFile(file, `${JSON.stringify(toStore, null, 2)}\n`, { mode: 0o600 });
    onGenerated(generated, file);
  }
  return secrets;
}

function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
