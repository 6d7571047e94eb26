import { execFile } from 'node:child_process';
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveManagementToken } from '../../../src/api-keys/management-token';
import { json } from '../../helpers/http';
import { parseRawResponse, rawHttp } from '../../helpers/raw-http';
import { freePort, gatewayDataDir, spawnGateway } from '../../helpers/spawn-gateway';

// Issue 11, finding 1: the key CLI against a running gateway on the embedded database.
const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function keys(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(tsx, ['scripts/keys.ts', ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

// Both CI passes run it: the gateway it starts always uses the embedded database (no DATABASE_URL is given).
describe('npm run keys while npm start runs on the embedded database', () => {
  it('creates, lists and revokes through the running gateway, at once; a second process cannot open the database', {
    timeout: 300_000,
  }, async () => {
    const dataDir = await gatewayDataDir('gw-keys-running-');
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const env = { DATA_DIR: dataDir, SANDBOX: 'false', DOCUSIGN_CLIENT_ID: '', DOCUSIGN_CLIENT_SECRET: '' };
    const gateway = spawnGateway({ ...env, PORT: String(port) });
    cleanups.push(async () => gateway.child.kill('SIGKILL'));
    await gateway.waitFor(/"msg":"gateway listening"/);
    const base = `http://127.0.0.1:${port}`;

    // A key created while the gateway runs works at once, without a restart.
    const created = await keys(['create', '--name', 'while-running'], env);
    expect(created.code, created.stderr).toBe(0);
    // The gateway's output says why, should the CLI ever find no gateway holding the database.
    expect(created.stdout, `gateway output:\n${gateway.output().slice(-3000)}`).toContain(
      'through the gateway',
    );
    const key = /dgw_[a-z0-9]{12}_\S+/.exec(created.stdout)![0];
    const id = /key_[0-9a-f]{32}/.exec(created.stdout)![0];
    const meta = () => fetch(`${base}/meta`, { headers: { authorization: `Bearer ${key}` } });
    expect((await meta()).status).toBe(200);

    const listed = await keys(['list'], env);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\t.*\\tactive\\t`));

    // Revoked through the gateway that caches verified keys: refused on the very next request.
    const revoked = await keys(['revoke', id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const refused = await meta();
    expect(refused.status).toBe(401);
    expect((await json(refused)).error.code).toBe('unauthorized');

    // A second gateway on the same directory says who holds it and exits non-zero.
    const second = spawnGateway({ ...env, PORT: String(await freePort()) });
    cleanups.push(async () => second.child.kill('SIGKILL'));
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(
      new RegExp(`embedded database .*pglite is in use by process \\d+ \\(the gateway at ${base}\\)`),
    );

    // The management routes take the management token only, never an API key.
    expect(
      (await fetch(`${base}/admin/api-keys`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(401);

    // Requests Node's parser refuses still leave in the error shape with an x-request-id (finding 7).
    const tooLarge = parseRawResponse(
      await rawHttp(port, `GET /meta HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(tooLarge.status).toBe(431);
    expect(JSON.parse(tooLarge.body).error.request_id).toBe(tooLarge.headers['x-request-id']);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(await exists(join(dataDir, 'pglite.lock'))).toBe(false);
    // Nothing was lost: after the gateway stops, the database still has the key revoked.
    const after = await keys(['list'], env);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`${id}\\t.*\\trevoked \\d{4}-`));
  });
});

describe('the management token', () => {
  it('is derived from the signing secret and differs per secret', async () => {
    const a = await deriveManagementToken('a'.repeat(32));
    expect(a).toMatch(/^dgwm_[A-Za-z0-9_-]{43}$/);
    expect(await deriveManagementToken('a'.repeat(32))).toBe(a);
    expect(await deriveManagementToken('b'.repeat(32))).not.toBe(a);
  });
});
