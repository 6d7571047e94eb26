/**
 * The gateway against its hand-written baseline, once per upstream: `static` (recorded DocuSign answers replayed in
 * microseconds, so the gateway is the bottleneck and the capacity targets apply) and `sim` (the live simulator, end
 * to end). `BENCH_UPSTREAM=static` or `=sim` runs one; `BENCH_ROUNDS` and `BENCH_DURATION_MS` shorten a smoke run.
 */
import { type Child, startChild, startSimAndGateway } from './children';
import { pinServersUnderTest } from './cpu-pinning';
import {
  checkCpuCapacity,
  checkP99,
  checkThroughput,
  compareRounds,
  machineLine,
  printComparison,
} from './load';
import type { GatewayInfo, SimInfo, SimOptions } from './protocol';

/** Targets of one upstream mode: req/s and CPU capacity as fractions of bare, p99 as a multiple of bare. */
export interface Targets {
  rps?: number;
  cpu?: number;
  p99?: number;
}

export interface VersusSpec {
  sim: Omit<SimOptions, 'publicKeyPem' | 'upstream'>;
  bareRole: string;
  bare: { name: string; path: string };
  gateway: { name: string; path: (g: GatewayInfo) => string };
  connections: number;
  targets: { static: Targets; sim: Targets };
  /** Checks before timing that both sides answer the same thing (throws if not). */
  verify?: (
    gateway: { origin: string; path: string; headers: Record<string, string> },
    bareOrigin: string,
  ) => Promise<void>;
}

export async function gatewayVersusBare(spec: VersusSpec): Promise<boolean> {
  console.log(await machineLine());
  const modes = (process.env.BENCH_UPSTREAM ?? 'static,sim').split(',') as ('static' | 'sim')[];
  let ok = true;
  for (const mode of modes) {
    console.log(
      `\n### upstream: ${mode === 'static' ? 'static (recorded answers; the gateway is the bottleneck)' : 'simulator (end to end)'}`,
    );
    const { sim, gateway } = await startSimAndGateway({ ...spec.sim, upstream: mode });
    const bare: Child<{ origin: string }> = await startChild(spec.bareRole, sim.info satisfies SimInfo);
    const g = gateway.info;
    const headers = { authorization: `Bearer ${g.apiKey}` };
    const gatewayPath = spec.gateway.path(g);
    await spec.verify?.({ origin: g.origin, path: gatewayPath, headers }, bare.info.origin);
    // Only where the gateway is the bottleneck: end to end, the simulator's CPU belongs in the figure.
    const pinning = mode === 'static' ? pinServersUnderTest([gateway, bare], [sim]) : undefined;
    if (pinning) console.log(pinning.line);
    const [a, b] = await compareRounds(
      [
        {
          name: spec.bare.name,
          origin: bare.info.origin,
          path: spec.bare.path,
          rssMb: bare.rssMb,
          cpuMs: bare.cpuMs,
        },
        {
          name: spec.gateway.name,
          origin: g.origin,
          path: gatewayPath,
          headers,
          rssMb: gateway.rssMb,
          cpuMs: gateway.cpuMs,
        },
      ],
      {
        rounds: Number(process.env.BENCH_ROUNDS ?? 24),
        connections: spec.connections,
        durationMs: Number(process.env.BENCH_DURATION_MS ?? 1500),
        warmupMs: 250,
        firstWarmupMs: 3000,
      },
    );
    printComparison(a!, b!);
    const t = spec.targets[mode];
    const label = `[${mode}] ${spec.gateway.name}`;
    if (t.rps !== undefined) ok = checkThroughput(a!, b!, t.rps, `${label} req/s`) && ok;
    if (t.cpu !== undefined) ok = checkCpuCapacity(a!, b!, t.cpu, label) && ok;
    if (t.p99 !== undefined) ok = checkP99(a!, b!, t.p99, label) && ok;
    await Promise.all([bare.stop(), gateway.stop()]);
    await sim.stop();
    pinning?.release();
  }
  return ok;
}
