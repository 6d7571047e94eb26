/** Messages between a bench and its server children (`server-child.ts`). */

export interface SimOptions {
  users: number;
  publicKeyPem: string;
  /** Replace the first envelope document with this many bytes (streaming bench). */
  documentBytes?: number;
  /** Seed this many envelopes in the primary account, all owned by the default user (signing-requests bench). */
  envelopes?: number;
  /**
   * `static`: GETs answered from bytes recorded on their first call (frozen-upstream.ts), so the gateway, not the
   * upstream, is the bottleneck; `sim` (default): the live simulator, end to end.
   */
  upstream?: 'static' | 'sim';
  /**
   * Seed the primary account at this scale (its envelopes keep their seeded owners), with DocuSign's real rate limits
   * and the JWT access token lifetime given (utilization bench), instead of the load benches' setup.
   */
  scale?: { users: number; envelopes: number; templates: number; groups: number };
  jwtAccessTokenTtlSeconds?: number;
  /** The simulator's clock is real time plus what the gateway's waits skipped, set over IPC (`clock`). */
  sharedClock?: boolean;
}

export interface SimInfo {
  origin: string;
  accountId: string;
  /** An access token issued by the simulator, for the baselines that skip the gateway's auth. */
  token: string;
  clientId: string;
  clientSecret: string;
  userId: string;
  /** eSignature path (after the account) of the large document, when `documentBytes` was set. */
  documentPath?: string;
  /** How long seeding the data took, ms. */
  seedMs: number;
}

export interface GatewayOptions {
  sim: SimInfo;
  privateKeyPem: string;
  /** Connect this one account (default: all accounts of the user). */
  accountId?: string;
  /**
   * Waits of the gateway (job pacing, the upstream budget, retries) advance the clock it shares with the simulator
   * (`clock-skip` to the bench, which sets the simulator's) instead of sleeping; the upstream budget keeps its
   * defaults, since the pacing is what is measured.
   */
  sharedClock?: boolean;
  /** Embedded PGlite in this directory (as `npm start` runs it) instead of in memory; `BENCH_DATABASE_URL` wins. */
  pgliteDir?: string;
}

export interface GatewayInfo {
  origin: string;
  apiKey: string;
  integratedAccountId: string;
}

export type ChildRequest =
  /** `live`: measure memory still referenced (heap used + array buffers after a forced GC) instead of RSS. */
  | { cmd: 'rss-start'; live?: boolean }
  | { cmd: 'rss-stop' }
  | { cmd: 'rss' }
  | { cmd: 'cpu' }
  /** Simulator: set the shared clock to real time plus `skippedMs`; answered `clock-set` with the same `seq`. */
  | { cmd: 'clock'; skippedMs: number; seq: number }
  /** Gateway: the bench has set the simulator's clock for the `clock-skip` numbered `seq`. */
  | { cmd: 'clock-set'; seq: number }
  /** Simulator: the eSignature API calls received so far (shared-clock ms) and how many answered 429; `clear` empties. */
  | { cmd: 'calls'; clear?: boolean }
  /** Memory of the child after forced GCs, answered `memory`. */
  | { cmd: 'memory' }
  /** Gateway: answered `idle` once no utilization sync job runs. */
  | { cmd: 'idle' }
  | { cmd: 'stop' };

export type ChildMessage =
  | { type: 'ready'; info: unknown }
  | { type: 'rss-started' }
  | { type: 'rss'; baseline: number; peak: number; now: number }
  /** user + system CPU time of the child so far, microseconds. */
  | { type: 'cpu'; micros: number }
  /** Gateway → bench: a wait skipped time; the shared clock is now real time plus `skippedMs`. */
  | { type: 'clock-skip'; skippedMs: number; seq: number }
  | { type: 'clock-set'; seq: number }
  | { type: 'calls'; times: number[]; rateLimited: number }
  | { type: 'idle' }
  | { type: 'memory'; rss: number; heapUsed: number; external: number; arrayBuffers: number };
