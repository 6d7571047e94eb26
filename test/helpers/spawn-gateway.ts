import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

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

/** Runs what `npm start` runs (scripts/start.mjs: the bundled gateway) as a child process and collects its output. */
export function spawnGateway(env: Record<string, string>) {
  // Node itself, not npm: a signal (SIGKILL above all) must reach the gateway process, not a parent that would leave
  // it running and holding the embedded database. start.mjs runs the gateway in its own process.
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
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
