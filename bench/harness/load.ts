/** An in-process load generator: `connections` keep-alive sockets (undici Pool), one request in flight on each. */
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  /** Requests answered including the warm-up (for CPU time per request). */
  totalRequests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** One round of one variant: its load figures and its server's CPU time per request in that round. */
export interface RoundResult extends LoadResult {
  cpuMsPerRequest: number;
}

/** A request made fresh for each send (e.g. a POST whose body must differ every time). */
export type RequestMaker = () => { method: 'POST'; body: string; headers: Record<string, string> };

/**
 * Sends GET `path` (or, with `request`, a fresh request each time) as fast as the server answers for `durationMs`,
 * after `warmupMs` not counted. A 2xx other than 200 also counts as success when `request` is given. With `pool`,
 * its open sockets are used and it stays open; otherwise a pool of `connections` sockets is made and closed.
 */
export async function runLoad(options: {
  pool?: Pool;
  origin: string;
  path: string;
  headers?: Record<string, string>;
  request?: RequestMaker;
  connections: number;
  durationMs: number;
  warmupMs: number;
}): Promise<LoadResult> {
  const pool = options.pool ?? new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let total = 0;
  let measuring = false;
  let stopAt = Number.POSITIVE_INFINITY;
  let started = 0;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const made = options.request?.();
      const t0 = performance.now();
      const res = await pool.request(
        made
          ? { path: options.path, method: made.method, headers: made.headers, body: made.body }
          : { path: options.path, method: 'GET', headers: options.headers },
      );
      await res.body.arrayBuffer();
      total++;
      if (!measuring) continue;
      if (made ? res.statusCode < 200 || res.statusCode > 299 : res.statusCode !== 200) errors++;
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
  if (!options.pool) await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    totalRequests: total,
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

export interface Variant {
  name: string;
  origin: string;
  path: string;
  headers?: Record<string, string>;
  /** A fresh request per send instead of GET `path` with `headers`. */
  request?: RequestMaker;
  /** Current RSS of the server under test, in MB. */
  rssMb: () => Promise<number>;
  /** CPU time the server under test has used so far, in ms. */
  cpuMs: () => Promise<number>;
}

export interface VariantSummary {
  name: string;
  rounds: RoundResult[];
  /** Best round (highest req/s; lowest p50/p99): other work on the machine only ever makes numbers worse. */
  best: { rps: number; p50Ms: number; p99Ms: number };
  median: { rps: number; p50Ms: number; p99Ms: number };
  errors: number;
  peakRssMb: number;
  /** Server CPU time per request over all rounds (warm-up included), ms. */
  cpuMsPerRequest: number;
}

/**
 * Runs `rounds` rounds, alternating the variants' order each round, and summarises each variant. Each variant keeps
 * its sockets open from round to round, so a round needs only a short warm-up and rounds can be short: the machine's
 * speed drifts within seconds, and the shorter a pair of rounds, the more alike the conditions both halves meet.
 */
export async function compareRounds(
  variants: Variant[],
  options: {
    rounds: number;
    connections: number;
    durationMs: number;
    warmupMs: number;
    /** Load not counted before the first round, each variant in turn: JIT, caches and sockets warm up. */
    firstWarmupMs?: number;
  },
): Promise<VariantSummary[]> {
  const pools = variants.map((v) => new Pool(v.origin, { connections: options.connections, pipelining: 1 }));
  const load = (i: number, timing: { warmupMs: number; durationMs: number }) => {
    const v = variants[i]!;
    return runLoad({
      ...options,
      ...timing,
      pool: pools[i],
      origin: v.origin,
      path: v.path,
      headers: v.headers,
      request: v.request,
    });
  };
  for (let i = 0; i < variants.length && options.firstWarmupMs; i++) {
    await load(i, { warmupMs: options.firstWarmupMs, durationMs: 0 });
  }
  const results = variants.map(() => [] as RoundResult[]);
  const rss = variants.map(() => 0);
  const cpu = variants.map(() => ({ ms: 0, requests: 0 }));
  for (let round = 1; round <= options.rounds; round++) {
    const order = variants.map((_, i) => i);
    if (round % 2 === 0) order.reverse();
    for (const i of order) {
      const v = variants[i]!;
      const cpuBefore = await v.cpuMs();
      const r = await load(i, options);
      const roundCpuMs = (await v.cpuMs()) - cpuBefore;
      cpu[i]!.ms += roundCpuMs;
      cpu[i]!.requests += r.totalRequests;
      rss[i] = Math.max(rss[i]!, await v.rssMb());
      results[i]!.push({ ...r, cpuMsPerRequest: roundCpuMs / r.totalRequests });
      console.log(
        `round ${round} ${v.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ` +
          `${r.requests} requests, ${r.errors} errors, server CPU ${(roundCpuMs / r.totalRequests).toFixed(2)} ms/request ` +
          `(${((roundCpuMs / (options.warmupMs + options.durationMs)) * 100).toFixed(0)}% of a core)`,
      );
    }
  }
  await Promise.all(pools.map((p) => p.close()));
  return variants.map((v, i) => {
    const rs = results[i]!;
    return {
      name: v.name,
      rounds: rs,
      best: {
        rps: Math.max(...rs.map((r) => r.rps)),
        p50Ms: Math.min(...rs.map((r) => r.p50Ms)),
        p99Ms: Math.min(...rs.map((r) => r.p99Ms)),
      },
      median: {
        rps: median(rs.map((r) => r.rps)),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
      },
      errors: rs.reduce((n, r) => n + r.errors, 0),
      peakRssMb: rss[i]!,
      cpuMsPerRequest: cpu[i]!.ms / cpu[i]!.requests,
    };
  });
}

/** One results line per variant: best and median of the rounds, errors, peak server RSS. */
export function printSummary(s: VariantSummary): void {
  const f = (x: { rps: number; p50Ms: number; p99Ms: number }) =>
    `${x.rps.toFixed(0)} req/s, p50 ${x.p50Ms.toFixed(1)} ms, p99 ${x.p99Ms.toFixed(1)} ms`;
  console.log(
    `${s.name}: best of ${s.rounds.length} rounds ${f(s.best)}; median ${f(s.median)}; ` +
      `errors ${s.errors}; server CPU ${s.cpuMsPerRequest.toFixed(2)} ms/request; peak server RSS ${s.peakRssMb.toFixed(0)} MB`,
  );
}

/**
 * The median over rounds of `b`'s metric divided by `a`'s in the same round. Rounds alternate the variants' order
 * and run back to back, so each pair met the same machine conditions; the median of the pairs' ratios is robust to
 * other work on a shared machine, which the best or median round of each variant alone is not.
 */
export function pairedRatio(
  a: VariantSummary,
  b: VariantSummary,
  metric: 'rps' | 'p99Ms' | 'cpuMsPerRequest',
): number {
  return median(a.rounds.map((ra, i) => b.rounds[i]![metric] / ra[metric]));
}

/** Both variants' summaries and their servers' CPU time per request. */
export function printComparison(a: VariantSummary, b: VariantSummary): void {
  printSummary(a);
  printSummary(b);
  console.log(
    `server CPU per request: gateway ${b.cpuMsPerRequest.toFixed(2)} ms vs bare ${a.cpuMsPerRequest.toFixed(2)} ms ` +
      `(capacity bare/gateway ${(a.cpuMsPerRequest / b.cpuMsPerRequest).toFixed(2)} over all rounds, ` +
      `${(1 / pairedRatio(a, b, 'cpuMsPerRequest')).toFixed(2)} median of paired rounds)`,
  );
}

const percent = (x: number) => `${(x * 100).toFixed(0)}%`;

/**
 * Capacity per core: the bare server's CPU time per request over the gateway's, median of paired rounds, against
 * `minRatio`. Unlike req/s it does not depend on which process the machine happened to favour.
 */
export function checkCpuCapacity(
  a: VariantSummary,
  b: VariantSummary,
  minRatio: number,
  what: string,
): boolean {
  const ratio = 1 / pairedRatio(a, b, 'cpuMsPerRequest');
  const ok = ratio >= minRatio;
  console.log(
    `${ok ? 'PASS' : 'FAIL'}: ${what} CPU capacity ${ratio.toFixed(2)} of bare (target >= ${minRatio}; bare CPU per ` +
      `request over gateway's, median of ${a.rounds.length} paired rounds; ${b.cpuMsPerRequest.toFixed(2)} vs ` +
      `${a.cpuMsPerRequest.toFixed(2)} ms over all rounds)`,
  );
  return ok;
}

/** Checks `b`'s p99 latency against `maxRatio` times `a`'s (median of paired rounds). */
export function checkP99(a: VariantSummary, b: VariantSummary, maxRatio: number, what: string): boolean {
  const ratio = pairedRatio(a, b, 'p99Ms');
  const ok = ratio <= maxRatio;
  console.log(
    `${ok ? 'PASS' : 'FAIL'}: ${what} p99 ${ratio.toFixed(2)}x bare (target <= ${maxRatio}x; median of paired rounds; ` +
      `best rounds ${(b.best.p99Ms / a.best.p99Ms).toFixed(2)}x, median rounds ${(b.median.p99Ms / a.median.p99Ms).toFixed(2)}x)`,
  );
  return ok;
}

/**
 * Checks `b`'s throughput against `minRatio` of `a`'s (median of paired rounds, no errors in either) and prints
 * PASS or FAIL with the best-round and median-round ratios for context. `what` names the gateway side.
 */
export function checkThroughput(
  a: VariantSummary,
  b: VariantSummary,
  minRatio: number,
  what: string,
): boolean {
  const ratio = pairedRatio(a, b, 'rps');
  const ok = ratio >= minRatio && a.errors + b.errors === 0;
  console.log(
    `${ok ? 'PASS' : 'FAIL'}: ${what} ${percent(ratio)} of bare (target >= ${percent(minRatio)}; median of ${a.rounds.length} paired rounds; ` +
      `best rounds ${percent(b.best.rps / a.best.rps)}, median rounds ${percent(b.median.rps / a.median.rps)})`,
  );
  return ok;
}
