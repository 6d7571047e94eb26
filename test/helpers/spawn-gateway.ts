import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startNodeFlags } from '../../scripts/start-flags';

/**
 * A new DATA_DIR for a spawned gateway or the keys CLI. On a PGlite run its `pglite` directory starts as a copy of
 * the one the global setup made with initdb, so the process skips initdb (seconds) and still runs every migration
 * itself. The first start on an empty directory stays covered by test/integration/foundation/server.test.ts.
 */
export async function gatewayDataDir(prefix: string): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const prepared = inject('pgliteSnapshots');
  if (prepared) await cp(prepared.initdbDir, join(dataDir, 'pglite'), { recursive: true });
  return dataDir;
}

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs what `npm start` runs (its Node flags and scripts/start.mjs: the bundled gateway) as a child process and
 * collects its output.
 */
export function spawnGateway(env: Record<string, string>) {
  // Node itself, not npm: a signal (SIGKILL above all) must reach the gateway process, not a parent that would leave
  // it running and holding the embedded database. start.mjs runs the gateway in its own process.
  const child: ChildProcess = spawn(process.execPath, [...startNodeFlags(), 'scripts/start.mjs'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    /** Resolves with the output once `pattern` appears in it (or rejects after `timeoutMs`). */
    async waitFor(pattern: RegExp, timeoutMs = 180_000): Promise<RegExpExecArray> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = pattern.exec(output);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}):\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${pattern}:\n${output}`);
    },
  };
}
