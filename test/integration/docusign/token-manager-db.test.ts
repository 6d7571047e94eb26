import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealedAad } from '../../../src/credentials/aad';
import { createDbTokenStore } from '../../../src/credentials/db-token-store';
import { createTokenManager, sealTokenSet, type TokenManager } from '../../../src/credentials/token-manager';
import { createVault } from '../../../src/credentials/vault';
import type { Database, DatabaseHandle } from '../../../src/db/client';
import { openDatabase } from '../../../src/db/open';
import { environments, events, integratedAccounts } from '../../../src/db/schema/index';
import { createDocusignOAuthClient } from '../../../src/docusign/oauth';
import { createDocusignSimulator, type DocusignSimulator } from '../../../src/sandbox/docusign';
import { createTestDatabase, usingRealPostgres } from '../../helpers/database';

const ORIGIN = 'http://127.0.0.1:4010';
const HOUR = 3_600_000;
const vault = createVault([{ kid: 'k1', key: crypto.getRandomValues(new Uint8Array(32)) }]);

describe(`token manager on the database token store (${usingRealPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  const clock = { now: Date.UTC(2026, 10, 23, 12) };
  let sim: DocusignSimulator;
  let database: DatabaseHandle & { url?: string };
  /** A second connection pool to the same database when on PostgreSQL: a second gateway process. */
  let second: DatabaseHandle | null;

  beforeEach(async () => {
    clock.now = Date.UTC(2026, 10, 23, 12);
    sim = createDocusignSimulator({
      origin: ORIGIN,
      now: () => clock.now,
      scale: { users: 5, envelopes: 2, templates: 1, groups: 1 },
    });
    database = await createTestDatabase();
    second = database.url ? await openDatabase({ url: database.url, maxConnections: 5 }) : null;
    await database.db.insert(environments).values({ id: 'env_1', name: 'test' });
  });

  afterEach(async () => {
    await second?.close();
    await database.close();
  });

  /** A gateway process on `db`; like the app, it looks up client credentials in the database. */
  const gatewayProcess = (db: Database): TokenManager =>
    createTokenManager({
      store: createDbTokenStore(db),
      vault,
      oauth: createDocusignOAuthClient({ oauthBase: ORIGIN, fetch: sim.fetch, now: () => clock.now }),
      clientCredentials: async (id) => {
        const [account] = await db
          .select({ clientId: integratedAccounts.clientId })
          .from(integratedAccounts)
          .where(eq(integratedAccounts.id, id));
        return { clientId: account!.clientId, clientSecret: sim.defaults.clientSecret };
      },
      now: () => clock.now,
    });

  async function connect(id: string): Promise<void> {
    const issued = sim.issueTokens();
    const sealed = await sealTokenSet(vault, id, {
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token!,
      expiresAt: clock.now + issued.expires_in * 1000,
      scopes: issued.scope.split(' '),
    });
    await database.db.insert(integratedAccounts).values({
      id,
      environmentId: 'env_1',
      status: 'active',
      permission: 'read',
      authType: 'authorization_code',
      docusignEnvironment: 'custom',
      oauthBase: ORIGIN,
      adminBase: `${ORIGIN}/management`,
      clientId: sim.defaults.clientId,
      grantedScopes: sealed.scopes,
      accessTokenSealed: sealed.accessTokenSealed,
      refreshTokenSealed: sealed.refreshTokenSealed,
      accessTokenExpiresAt: new Date(sealed.expiresAt!),
    });
  }

  it('refreshes under the row lock while credentials are read from the same database', async () => {
    await connect('ia_1');
    clock.now += 8 * HOUR - 60_000;
    const token = await gatewayProcess(database.db).getAccessToken('ia_1');
    expect(token.expiresAt).toBe(clock.now + 8 * HOUR);
    const [row] = await database.db
      .select()
      .from(integratedAccounts)
      .where(eq(integratedAccounts.id, 'ia_1'));
    expect(row!.accessTokenExpiresAt!.getTime()).toBe(clock.now + 8 * HOUR);
    expect(await vault.open(row!.accessTokenSealed!, sealedAad('ia_1', 'access_token'))).toBe(
      token.accessToken,
    );
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
  });

  it('spends the refresh token once when two processes refresh at the same time', async () => {
    await connect('ia_1');
    clock.now += 8 * HOUR - 60_000;
    const a = gatewayProcess(database.db);
    const b = gatewayProcess(second?.db ?? database.db);
    const tokens = await Promise.all(
      [...Array(4)].flatMap(() => [a.getAccessToken('ia_1'), b.getAccessToken('ia_1')]),
    );
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(sim.log.count({ grantType: 'refresh_token' })).toBe(1);
  });

  it('records needs_reauth and an event row on invalid_grant', async () => {
    await connect('ia_1');
    const [before] = await database.db
      .select()
      .from(integratedAccounts)
      .where(eq(integratedAccounts.id, 'ia_1'));
    const refreshToken = await vault.open(before!.refreshTokenSealed!, sealedAad('ia_1', 'refresh_token'));
    // Spend it outside the gateway so the gateway's refresh gets invalid_grant.
    await createDocusignOAuthClient({ oauthBase: ORIGIN, fetch: sim.fetch }).refresh({
      refreshToken,
      clientId: sim.defaults.clientId,
      clientSecret: sim.defaults.clientSecret,
    });
    clock.now += 8 * HOUR;
    await expect(gatewayProcess(database.db).getAccessToken('ia_1')).rejects.toMatchObject({
      code: 'needs_reauth',
    });
    const [after] = await database.db
      .select()
      .from(integratedAccounts)
      .where(eq(integratedAccounts.id, 'ia_1'));
    expect(after!.status).toBe('needs_reauth');
    expect(after!.lastError).toMatch(/^invalid_grant/);
    const rows = await database.db.select().from(events);
    expect(rows).toMatchObject([
      {
        type: 'integrated_account.needs_reauth',
        integratedAccountId: 'ia_1',
        environmentId: 'env_1',
        payload: { reason: 'invalid_grant' },
      },
    ]);
  });
});
