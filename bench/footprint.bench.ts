/**
 * Footprint of `npm start` (issue 16): time to healthy and idle RSS of the gateway as `npm start` runs it (its Node
 * flags, `scripts/start.mjs`, the bundle built beforehand so no start pays for a build), on the embedded database
 * with the built-in sandbox.
 * - first starts, each on an empty DATA_DIR (initdb, migrations, sandbox seed), taking turns with restarts on the
 *   first one (the machine's memory behaviour drifts over minutes: an idle PGlite measured 165 MB in one run and
 *   188 MB in another, so both sides sample the same minutes);
 * - baseline: a Node process that only opens the same PGlite directory, with the same settings, and idles (what the
 *   database alone costs);
 * - with `BENCH_DATABASE_URL`: the gateway on PostgreSQL without the sandbox.
 * RSS is read from /proc after the process has idled for IDLE_MS. Targets: restart to healthy <= 2 s (median),
 * RSS above the idle PGlite <= 100 MB, first start no larger than a restart (medians, 5% slack for GC timing),
 * PostgreSQL without the sandbox <= 150 MB. Run: `npm run bench -- footprint`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeFlags } from '../scripts/start-flags';
import { pgliteOptions } from '../src/db/pglite-options';
import { machineLine, median } from './harness/load';

const IDLE_MS = 5_000;
// Idle RSS varies by 10% or more from one start to the next (where glibc's per-thread malloc arenas and V8's pages
// fall): medians of as many starts on both sides.
const STARTS = 7;
const root = new URL('..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const idle = () => new Promise((r) => setTimeout(r, IDLE_MS));

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts the gateway, returns the time until /health answers 200, and its idle RSS. */
async function startGateway(env: Record<string, string>): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...startNodeFlags(), join(root, 'scripts/start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      SANDBOX_PORT: String(await freePort()),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`)
        .then((res) => res.status === 200)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - started;
    await idle();
    return { ms, rss: rssMb(child.pid!) };
  } finally {
    await stop(child);
  }
}

/**
 * A process that opens the PGlite directory the gateway uses, with the gateway's server settings, runs one query
 * and idles: its RSS.
 */
async function idlePglite(dataDir: string): Promise<number> {
  const script = `
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite(${JSON.stringify(join(dataDir, 'pglite'))}, ${JSON.stringify(pgliteOptions())});
    await db.query('select count(*) from api_keys');
    process.send('ready');
    process.on('message', async () => { await db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => child.once('message', resolve));
  await idle();
  const rss = rssMb(child.pid!);
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  return rss;
}

console.log(await machineLine());
execFileSync(process.execPath, [join(root, 'scripts/start.mjs'), '--build'], { cwd: root, stdio: 'inherit' });
const dataDirs: string[] = [];
let ok = true;
const verdict = (pass: boolean, line: string) => {
  ok &&= pass;
  console.log(`${pass ? 'PASS' : 'FAIL'}: ${line}`);
};
try {
  const firsts: { ms: number; rss: number }[] = [];
  const restarts: { ms: number; rss: number }[] = [];
  for (let i = 0; i < STARTS; i++) {
    dataDirs.push(await mkdtemp(join(tmpdir(), 'gw-footprint-')));
    firsts.push(await startGateway({ DATA_DIR: dataDirs[i]! }));
    restarts.push(await startGateway({ DATA_DIR: dataDirs[0]! }));
  }
  const dataDir = dataDirs[0]!;
  const firstRss = median(firsts.map((f) => f.rss));
  const restartMs = median(restarts.map((r) => r.ms));
  const restartRss = median(restarts.map((r) => r.rss));
  console.log(
    `first start x${STARTS} (each on an empty DATA_DIR): healthy after ${firsts.map((f) => f.ms.toFixed(0)).join(', ')} ms, ` +
      `idle RSS ${firsts.map((f) => f.rss.toFixed(0)).join(', ')} MB (median ${firstRss.toFixed(0)})`,
  );
  console.log(
    `restart x${STARTS} (each after a first start): healthy after ${restarts.map((r) => r.ms.toFixed(0)).join(', ')} ms (median ${restartMs.toFixed(0)}), ` +
      `idle RSS ${restarts.map((r) => r.rss.toFixed(0)).join(', ')} MB (median ${restartRss.toFixed(0)})`,
  );
  const pglite = await idlePglite(dataDir);
  console.log(`idle PGlite alone on the same directory (baseline): RSS ${pglite.toFixed(0)} MB`);
  verdict(restartMs <= 2_000, `restart to healthy ${restartMs.toFixed(0)} ms (target <= 2000 ms, median)`);
  verdict(
    restartRss - pglite <= 100,
    `idle RSS above the idle PGlite ${(restartRss - pglite).toFixed(0)} MB (target <= 100 MB; gateway with the sandbox ${restartRss.toFixed(0)} MB, PGlite ${pglite.toFixed(0)} MB)`,
  );
  verdict(
    firstRss <= restartRss * 1.05,
    `first start ${firstRss.toFixed(0)} MB vs restart ${restartRss.toFixed(0)} MB (medians; target: no larger, 5% slack)`,
  );
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (databaseUrl) {
    const pgDir = await mkdtemp(join(tmpdir(), 'gw-footprint-pg-'));
    try {
      await startGateway({ DATA_DIR: pgDir, DATABASE_URL: databaseUrl, SANDBOX: 'false' });
      const pg = await startGateway({ DATA_DIR: pgDir, DATABASE_URL: databaseUrl, SANDBOX: 'false' });
      verdict(
        pg.rss <= 150,
        `PostgreSQL without the sandbox: idle RSS ${pg.rss.toFixed(0)} MB (target <= 150 MB), healthy after ${pg.ms.toFixed(0)} ms`,
      );
    } finally {
      await rm(pgDir, { recursive: true, force: true });
    }
  } else {
    console.log('PostgreSQL without the sandbox: set BENCH_DATABASE_URL to measure it');
  }
} finally {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
process.exit(ok ? 0 : 1);
