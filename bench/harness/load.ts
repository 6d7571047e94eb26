/** An in-process load generator: `connections` keep-alive sockets (undici Pool), one request in flight on each. */
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** Sends GET `path` as fast as the server answers for `durationMs`, after `warmupMs` not counted. */
export async function runLoad(options: {
  origin: string;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
  warmupMs: number;
}): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stopAt = Number.POSITIVE_INFINITY;
  let started = 0;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const t0 = performance.now();
      const res = await pool.request({ path: options.path, method: 'GET', headers: options.headers });
      await res.body.arrayBuffer();
      if (!measuring) continue;
      if (res.statusCode !== 200) errors++;
      latencies.push(performance.now() - t0);
    }
  };
  const workers = Array.from({ length: options.connections }, worker);
  await new Promise((r) => setTimeout(r, options.warmupMs));
  measuring = true;
  started = performance.now();
  stopAt = started + options.durationMs;
  await Promise.all(workers);
  const elapsed = performance.now() - started;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    rps: (latencies.length / elapsed) * 1000,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The bench's machine line: cores, CPU model, Node version, date. */
export async function machineLine(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { availableParallelism } = await import('node:os');
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  return `machine: ${availableParallelism()} cores, ${model}, Node ${process.version}, ${new Date().toISOString()}`;
}
