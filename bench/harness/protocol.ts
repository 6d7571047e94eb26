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
}

export interface GatewayOptions {
  sim: SimInfo;
  privateKeyPem: string;
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
  | { cmd: 'stop' };

export type ChildMessage =
  | { type: 'ready'; info: unknown }
  | { type: 'rss-started' }
  | { type: 'rss'; baseline: number; peak: number; now: number }
  /** user + system CPU time of the child so far, microseconds. */
  | { type: 'cpu'; micros: number };
