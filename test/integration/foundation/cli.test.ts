import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { gatewayDataDir } from '../../helpers/spawn-gateway';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function runScript(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(tsx, [script, ...args], {
      env: { ...process.env, ...env },
      timeout: 150_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('configuration errors', () => {
  it.each([
    [{ PORT: 'abc' }, /^Invalid PORT: must be a number \(got "abc"\)$/],
    [{ DATABASE_URL: 'mysql://nope' }, /^Invalid DATABASE_URL: must be a URL like postgres:/],
  ])('npm start with %o prints one clear line and exits 1', { timeout: 120_000 }, async (env, expected) => {
    const result = await runScript('scripts/start.mjs', [], {
      ...env,
      DATA_DIR: '/nonexistent-should-not-be-created',
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line && !line.includes('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports every bad variable, one per line, without echoing secrets', () => {
    expect(() =>
      loadConfig({ PORT: '70000', SIGNING_SECRET: 'short-secret', SANDBOX: 'maybe' }),
    ).toThrowError(
      /Invalid PORT: must be between 1 and 65535 \(got "70000"\)\nInvalid SIGNING_SECRET: must be at least 32 characters\nInvalid SANDBOX/,
    );
    try {
      loadConfig({ SIGNING_SECRET: 'short-secret' });
    } catch (error) {
      expect(String(error)).not.toContain('short-secret');
    }
  });

  it('defaults to the sandbox when no DocuSign credentials are configured', () => {
    expect(loadConfig({}).sandbox).toBe(true);
    expect(loadConfig({ DOCUSIGN_CLIENT_ID: 'a', DOCUSIGN_CLIENT_SECRET: 'b' }).sandbox).toBe(false);
  });
});

describe('npm run keys', () => {
  it('creates, lists and revokes keys in the embedded database', { timeout: 180_000 }, async () => {
    const dataDir = await gatewayDataDir('gw-keys-');
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir };
    const created = await runScript('scripts/keys.ts', ['create', '--name', 'ci'], env);
    expect(created.code).toBe(0);
    const key = /dgw_[a-z0-9]{12}_\S+/.exec(created.stdout)?.[0];
    const id = /key_[0-9a-f]{32}/.exec(created.stdout)?.[0];
    expect(key).toBeDefined();
    const listed = await runScript('scripts/keys.ts', ['list'], env);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(key);
    const revoked = await runScript('scripts/keys.ts', ['revoke', id!], env);
    expect(revoked.code).toBe(0);
    const again = await runScript('scripts/keys.ts', ['list'], env);
    expect(again.stdout).toMatch(/revoked \d{4}-/);
    const usage = await runScript('scripts/keys.ts', ['explode'], env);
    expect(usage.code).toBe(2);
  });
});
