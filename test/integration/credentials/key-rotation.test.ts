import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealedAad } from '../../../src/credentials/aad';
import { resealIntegratedAccounts } from '../../../src/credentials/key-rotation';
import { createVault, type EncryptionKey } from '../../../src/credentials/vault';
import type { DatabaseHandle } from '../../../src/db/client';
import { environments, integratedAccounts } from '../../../src/db/schema/index';
import { createTestDatabase } from '../../helpers/database';

const oldKey: EncryptionKey = { kid: 'old_1', key: new Uint8Array(32).fill(1) };
const newKey: EncryptionKey = { kid: 'new_2', key: new Uint8Array(32).fill(2) };

describe('resealIntegratedAccounts', () => {
  let database: DatabaseHandle;

  beforeEach(async () => {
    database = await createTestDatabase();
    await database.db.insert(environments).values({ id: 'env_1', name: 'test' });
  });

  afterEach(async () => {
    await database.close();
  });

  async function insertAccount(
    id: string,
    vault: ReturnType<typeof createVault>,
    withAppCredentials: boolean,
  ) {
    await database.db.insert(integratedAccounts).values({
      id,
      environmentId: 'env_1',
      status: 'active',
      permission: 'read',
      authType: withAppCredentials ? 'jwt' : 'authorization_code',
      docusignEnvironment: 'demo',
      oauthBase: 'https://account-d.docusign.com',
      adminBase: 'https://api-d.docusign.net/management',
      clientId: 'ik',
      accessTokenSealed: await vault.seal(`access-${id}`, sealedAad(id, 'access_token')),
      refreshTokenSealed: withAppCredentials
        ? null
        : await vault.seal(`refresh-${id}`, sealedAad(id, 'refresh_token')),
      clientSecretSealed: withAppCredentials
        ? await vault.seal(`secret-${id}`, sealedAad(id, 'client_secret'))
        : null,
      privateKeySealed: withAppCredentials
        ? await vault.seal(`pem-${id}`, sealedAad(id, 'private_key'))
        : null,
    });
  }

  it('moves every secret to the current key, keeps each bound to its row, and is idempotent', async () => {
    const before = createVault([oldKey]);
    // Old-key ids sort around the new one so the batches cross all of them.
    await insertAccount('ia_a', before, true);
    await insertAccount('ia_b', before, false);
    await insertAccount('ia_c', createVault([newKey]), false);
    await insertAccount('ia_d', before, false);

    const rotated = createVault([newKey, oldKey]);
    expect(await resealIntegratedAccounts(database.db, rotated, { batchSize: 1 })).toEqual({
      rows: 3,
      secrets: 7,
    });

    const onlyNew = createVault([newKey]);
    const rows = await database.db.select().from(integratedAccounts).orderBy(asc(integratedAccounts.id));
    for (const row of rows) {
      for (const sealed of [
        row.accessTokenSealed,
        row.refreshTokenSealed,
        row.clientSecretSealed,
        row.privateKeySealed,
      ]) {
        if (sealed) expect(sealed.startsWith('v1.new_2.')).toBe(true);
      }
      expect(await onlyNew.open(row.accessTokenSealed!, sealedAad(row.id, 'access_token'))).toBe(
        `access-${row.id}`,
      );
    }
    const a = rows.find((row) => row.id === 'ia_a')!;
    expect(await onlyNew.open(a.privateKeySealed!, sealedAad('ia_a', 'private_key'))).toBe('pem-ia_a');
    expect(await onlyNew.open(a.clientSecretSealed!, sealedAad('ia_a', 'client_secret'))).toBe('secret-ia_a');
    const d = rows.find((row) => row.id === 'ia_d')!;
    expect(await onlyNew.open(d.refreshTokenSealed!, sealedAad('ia_d', 'refresh_token'))).toBe(
      'refresh-ia_d',
    );

    expect(await resealIntegratedAccounts(database.db, rotated)).toEqual({ rows: 0, secrets: 0 });
  });

  it('fails without writing when a secret was sealed under a key no longer configured', async () => {
    await insertAccount('ia_a', createVault([oldKey]), false);
    await expect(resealIntegratedAccounts(database.db, createVault([newKey]))).rejects.toMatchObject({
      reason: 'unknown_kid',
    });
    const [row] = await database.db.select().from(integratedAccounts);
    expect(row!.accessTokenSealed!.startsWith('v1.old_1.')).toBe(true);
  });
});
