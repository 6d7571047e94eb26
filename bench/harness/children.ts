/** Starts and talks to the benches' server children (see `server-child.ts`). */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { startNodeFlags } from '../../scripts/start-flags';
import type {
  ChildMessage,
  ChildRequest,
  GatewayInfo,
  GatewayOptions,
  SimInfo,
  SimOptions,
} from './protocol';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const MB = 1024 * 1024;

export interface Child<Info> {
  info: Info;
  pid: number;
  /** CPU time (user + system) the child has used so far, in ms. */
  cpuMs(): Promise<number>;
  /** Current RSS of the child in MB. */
  rssMb(): Promise<number>;
  /**
   * GC in the child, then sample its RSS (or, with `live`, its heap and buffers still referenced after forced GCs)
   * until `stop()`; returns baseline, peak and growth in MB.
   */
  trackRss(options?: {
    live?: boolean;
  }): Promise<{ stop(): Promise<{ baselineMb: number; peakMb: number; growthMb: number }> }>;
  /** Sends a request and waits for the first message of type `answer`. */
  ask(request: ChildRequest, answer: ChildMessage['type']): Promise<ChildMessage>;
  /** Calls `handler` with every message the child sends. */
  onMessage(handler: (message: ChildMessage) => void): void;
  send(request: ChildRequest): void;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
// No child may outlive the bench, whatever happens.
process.on('exit', () => {
  for (const child of live) child.kill();
});

function ask(
  child: ChildProcess,
  request: ChildRequest,
  answer: ChildMessage['type'],
): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type !== answer) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(request);
  });
}

/**
 * Forks one server child with `--expose-gc` (the gateway also with the Node flags of `npm start`) and waits until it
 * listens. `BENCH_CPU_PROF=gateway,sim` writes a V8 CPU profile of those roles into `.bench-profiles/` when they stop
 * (open it in Chrome DevTools); `BENCH_CPU_PROF_INTERVAL` sets the sampling interval in µs (default 1000).
 */
export async function startChild<Info>(role: string, options: unknown): Promise<Child<Info>> {
  const profile = (process.env.BENCH_CPU_PROF ?? '').split(',').includes(role)
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=.bench-profiles/${role}`,
        `--cpu-prof-interval=${process.env.BENCH_CPU_PROF_INTERVAL ?? 1000}`,
      ]
    : [];
  const child = fork(CHILD, [role, JSON.stringify(options)], {
    execArgv: ['--expose-gc', ...(role === 'gateway' ? startNodeFlags() : []), ...profile, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  const info = await new Promise<Info>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${role} child exited (${code}) before it was ready`)));
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') resolve(m.info as Info);
    });
  });
  return {
    info,
    pid: child.pid!,
    cpuMs: async () => {
      const m = await ask(child, { cmd: 'cpu' }, 'cpu');
      return m.type === 'cpu' ? m.micros / 1000 : Number.NaN;
    },
    rssMb: async () => {
      const m = await ask(child, { cmd: 'rss' }, 'rss');
      return m.type === 'rss' ? m.now / MB : Number.NaN;
    },
    trackRss: async (options = {}) => {
      await ask(child, { cmd: 'rss-start', live: options.live }, 'rss-started');
      return {
        stop: async () => {
          const m = await ask(child, { cmd: 'rss-stop' }, 'rss');
          if (m.type !== 'rss') throw new Error('unexpected answer');
          return { baselineMb: m.baseline / MB, peakMb: m.peak / MB, growthMb: (m.peak - m.baseline) / MB };
        },
      };
    },
    ask: (request, answer) => ask(child, request, answer),
    onMessage: (handler) => {
      child.on('message', handler);
    },
    send: (request) => {
      child.send(request);
    },
    stop: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'stop' } satisfies ChildRequest);
      await exited;
      live.delete(child);
    },
  };
}

/**
 * A simulator server and a gateway server connected to it through the JWT grant. With `sim.sharedClock` the gateway's
 * waits move the simulator's clock too: each `clock-skip` of the gateway is set on the simulator before the gateway's
 * wait returns, so both see the same time at every DocuSign call.
 */
export async function startSimAndGateway(
  sim: Omit<SimOptions, 'publicKeyPem'>,
  gateway: { primaryAccountOnly?: boolean; pgliteDir?: string } = {},
): Promise<{ sim: Child<SimInfo>; gateway: Child<GatewayInfo> }> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const publicKeyPem = await exportSPKI(pair.publicKey);
  const privateKeyPem = await exportPKCS8(pair.privateKey);
  const simChild = await startChild<SimInfo>('sim', { ...sim, publicKeyPem } satisfies SimOptions);
  const gatewayChild = await startChild<GatewayInfo>('gateway', {
    sim: simChild.info,
    privateKeyPem,
    ...(gateway.primaryAccountOnly ? { accountId: simChild.info.accountId } : {}),
    ...(gateway.pgliteDir ? { pgliteDir: gateway.pgliteDir } : {}),
    sharedClock: sim.sharedClock,
  } satisfies GatewayOptions);
  if (sim.sharedClock) {
    gatewayChild.onMessage((m) => {
      if (m.type === 'clock-skip') simChild.send({ cmd: 'clock', skippedMs: m.skippedMs, seq: m.seq });
    });
    simChild.onMessage((m) => {
      if (m.type === 'clock-set') gatewayChild.send({ cmd: 'clock-set', seq: m.seq });
    });
  }
  return { sim: simChild, gateway: gatewayChild };
}
