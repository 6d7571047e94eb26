/**
 * Child processes of the HTTP benches, one role each (`sim`, `gateway`, `bare-proxy`, `bare-unified`,
 * `bare-signing-requests`, `bare-connect-inbound`), started by
 * `startChild` in `children.ts`. Each listens on a loopback port, reports how to reach it over IPC, answers RSS probes
 * (`rss-start` forces a GC and starts sampling its own RSS every 2 ms, or its live memory; `rss-stop` returns
 * baseline and peak), and
 * exits on `stop`. Run as a child only: `tsx --expose-gc bench/harness/server-child.ts <role> <json options>`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openDatabase } from '../../src/db/open';
import { BatchingRateLimitStore } from '../../src/http/rate-limit-batching';
import { PostgresRateLimitStore } from '../../src/http/rate-limit-postgres';
import { createDocusignSimulator } from '../../src/sandbox/docusign';
import { setEnvelopeOwner } from '../../src/sandbox/docusign/envelope-owner-index';
import { createNodeFetch } from '../../src/upstream/node-fetch';
import { type BareConnectOptions, startBareConnectInbound } from './bare-connect-inbound';
import { startBarePipeProxy, startBareTcpRelay } from './bare-pipe-proxy';
import { startBareSigningRequests } from './bare-signing-requests';
import { createBenchGateway } from './bench-gateway';
import { frozenGets } from './frozen-upstream';
import { liveBytes } from './live-memory';
import type {
  ChildMessage,
  ChildRequest,
  GatewayInfo,
  GatewayOptions,
  SimInfo,
  SimOptions,
} from './protocol';

const [role, rawOptions] = process.argv.slice(2);
const options = JSON.parse(rawOptions ?? '{}') as Record<string, unknown>;

type FetchHandler = (req: Request, env?: unknown) => Response | Promise<Response>;

function listen(fetchHandler: FetchHandler): Promise<{ origin: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * The simulator with rate limits out of the way, the default app consented, optionally a large document; or, with
 * `scale`, seeded at that scale with DocuSign's real limits (utilization bench). With `sharedClock` its clock is set
 * over IPC, and it counts the eSignature API calls it receives on that clock.
 */
async function startSim(o: SimOptions) {
  let skippedMs = 0;
  const t0 = performance.now();
  const sim = createDocusignSimulator({
    seed: 7,
    scale: o.scale ?? { users: o.users, envelopes: o.envelopes ?? 5, templates: 1, groups: 4 },
    ...(o.sharedClock ? { now: () => Date.now() + skippedMs } : {}),
    defaultClientPublicKeyPem: o.publicKeyPem,
    ...(o.scale ? {} : { rateLimits: { hourly: 1e12, burst: 1e12 } }),
    ...(o.jwtAccessTokenTtlSeconds ? { jwtAccessTokenTtlSeconds: o.jwtAccessTokenTtlSeconds } : {}),
  });
  const seedMs = performance.now() - t0;
  sim.grantConsent(sim.defaults.userId, sim.defaults.clientId);
  const accountId = sim.defaults.accountIds[0]!;
  // The envelope list shows the caller's envelopes: give them all to the user the gateway connects as.
  if (o.envelopes && !o.scale) {
    const account = sim.account(accountId)!;
    for (const e of account.envelopes) setEnvelopeOwner(account, e, sim.defaults.userId);
  }
  let documentPath: string | undefined;
  if (o.documentBytes) {
    const account = sim.account(accountId)!;
    const envelope = [...account.envelopesById.values()].find((e) => e.documents.length > 0)!;
    const doc = envelope.documents[0]!;
    const bytes = new Uint8Array(o.documentBytes);
    bytes.set(new TextEncoder().encode('%PDF-1.4\n'));
    for (let i = 9; i < bytes.length; i += 4096) bytes[i] = i & 0xff;
    doc.bytes = bytes;
    documentPath = `envelopes/${envelope.envelopeId}/documents/${doc.documentId}`;
  }
  // The request log keeps every entry; a load test would grow it without bound, so keep it empty.
  setInterval(() => {
    sim.log.entries.length = 0;
  }, 1000).unref();
  // Every eSignature API call on the simulator's clock, and how many were refused with a 429.
  let callTimes: number[] = [];
  let rateLimited = 0;
  const counted: FetchHandler = async (req, env) => {
    const isApi = req.url.includes('/restapi/');
    if (isApi) callTimes.push(Date.now() + skippedMs);
    const res = await sim.serverFetch(req, env);
    if (isApi && res.status === 429) rateLimited++;
    return res;
  };
  const server = await listen(
    o.upstream === 'static' ? frozenGets(sim.serverFetch) : o.sharedClock ? counted : sim.serverFetch,
  );
  sim.setOrigin(server.origin);
  const info: SimInfo = {
    origin: server.origin,
    accountId,
    token: sim.issueTokens().access_token,
    clientId: sim.defaults.clientId,
    clientSecret: sim.defaults.clientSecret,
    userId: sim.defaults.userId,
    documentPath,
    seedMs,
  };
  const handle = (m: ChildRequest): boolean => {
    if (m.cmd === 'clock') {
      skippedMs = Math.max(skippedMs, m.skippedMs);
      send({ type: 'clock-set', seq: m.seq });
    } else if (m.cmd === 'calls') {
      send({ type: 'calls', times: callTimes, rateLimited });
      if (m.clear) {
        callTimes = [];
        rateLimited = 0;
      }
    } else return false;
    return true;
  };
  return { info, close: server.close, handle };
}

/**
 * The gateway as `src/server.ts` runs it (node-server, undici keep-alive fetch) on in-memory PGlite (or
 * `BENCH_DATABASE_URL`), logging at
 * `warn` (no access line per request, so stdout stays quiet), its own per-key and per-account limits raised so they
 * do not throttle the load (or, with `sharedClock`, its upstream budget as configured by default and its waits on the
 * clock shared with the simulator). One JWT connection is created through the public API.
 */
async function startGateway(o: GatewayOptions) {
  // `BENCH_DATABASE_URL`: PostgreSQL instead of in-memory PGlite, with the per-key limit shared through it, as
  // `src/server.ts` runs with `DATABASE_URL`.
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const database = await openDatabase(
    databaseUrl ? { url: databaseUrl } : { pgliteDir: o.pgliteDir ?? 'memory' },
  );
  const upstreamFetch = createNodeFetch();
  // The shared clock: real time plus what the gateway's waits skipped; a wait returns once the simulator has it too.
  let skippedMs = 0;
  let seq = 0;
  const clockSet = new Map<number, () => void>();
  const sharedClock = o.sharedClock
    ? {
        now: () => Date.now() + skippedMs,
        sleep: (ms: number) =>
          new Promise<void>((resolve) => {
            skippedMs += Math.max(0, ms);
            seq++;
            clockSet.set(seq, resolve);
            send({ type: 'clock-skip', skippedMs, seq });
          }),
      }
    : { upstream: { budget: { maxConcurrent: 1e6, bucketCapacity: 1e12, refillPerSecond: 1e12 } } };
  const { app, key } = await createBenchGateway(database.db, o.sim, {
    fetch: upstreamFetch.fetch,
    nodeBodies: upstreamFetch.nodeBodies,
    rateLimitStore: databaseUrl
      ? new BatchingRateLimitStore(new PostgresRateLimitStore(database.db))
      : undefined,
    ...sharedClock,
  });
  const res = await app.request('/integrated-accounts', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      auth_type: 'jwt',
      integration_key: o.sim.clientId,
      user_id: o.sim.userId,
      private_key: o.privateKeyPem,
      permission: 'read',
      ...(o.accountId ? { account_id: o.accountId } : {}),
    }),
  });
  const body = (await res.json()) as { id?: string; status?: string };
  if (res.status !== 201 || body.status !== 'active' || !body.id) {
    throw new Error(`bench connection failed: ${res.status} ${JSON.stringify(body)}`);
  }
  const server = await listen(app.fetch);
  const info: GatewayInfo = { origin: server.origin, apiKey: key, integratedAccountId: body.id };
  const handle = (m: ChildRequest): boolean => {
    if (m.cmd === 'clock-set') {
      clockSet.get(m.seq)?.();
      clockSet.delete(m.seq);
    } else if (m.cmd === 'idle') {
      void app.services.utilization.idle().then(() => send({ type: 'idle' }));
    } else return false;
    return true;
  };
  return {
    info,
    close: async () => {
      await server.close();
      await upstreamFetch.close();
      await database.close();
    },
    handle,
  };
}

/**
 * Baseline (a) of the proxy bench: the least a Hono + undici passthrough must do to forward a call 1:1 — method,
 * path, query, the caller's headers (its own Authorization replaced by a fixed DocuSign token) and body out; status,
 * headers and body back — with no auth, logging, limits, token handling, path checks or retries.
 */
async function startBareProxy(o: SimInfo) {
  const upstreamFetch = createNodeFetch();
  const base = `${o.origin}/restapi/v2.1/accounts/${o.accountId}`;
  const app = new Hono();
  app.all('/*', async (c) => {
    const url = c.req.url;
    const headers = new Headers(c.req.raw.headers);
    headers.delete('host');
    headers.set('authorization', `Bearer ${o.token}`);
    const method = c.req.method;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const res = await upstreamFetch.fetch(`${base}${url.slice(url.indexOf('/', url.indexOf('//') + 2))}`, {
      method,
      headers,
      body: hasBody ? c.req.raw.body : null,
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
    return new Response(res.body, { status: res.status, headers: res.headers });
  });
  const server = await listen(app.fetch);
  return { info: { origin: server.origin }, close: server.close };
}

interface DocusignUser {
  userId?: string;
  userName?: string;
  firstName?: string;
  lastName?: string;
  jobTitle?: string;
  title?: string;
  email?: string;
  userStatus?: string;
  permissionProfileId?: string;
  permissionProfileName?: string;
  groupList?: Array<{ groupId?: string; groupName?: string }>;
  isAdmin?: string;
  userType?: string;
  lastLogin?: string;
  createdDateTime?: string;
  userAddedToAccountDateTime?: string;
  userProfileLastModifiedDate?: string;
  workAddress?: { phone?: string };
  homeAddress?: { phone?: string };
}

const STATUS: Record<string, string> = {
  Active: 'active',
  ActivationRequired: 'invited',
  ActivationSent: 'invited',
  Disabled: 'inactive',
  Closed: 'deleted',
};

const isoOrNull = (value: string | undefined) => (value ? new Date(value).toISOString() : null);

/** users.yaml's fields, written by hand (names split on the first space when first/last are missing). */
function mapUser(u: DocusignUser, accountId: string) {
  const name = u.userName ?? null;
  const space = name ? name.indexOf(' ') : -1;
  const phones: Array<{ number: string; type: string }> = [];
  if (u.workAddress?.phone) phones.push({ number: u.workAddress.phone, type: 'work' });
  if (u.homeAddress?.phone) phones.push({ number: u.homeAddress.phone, type: 'home' });
  return {
    id: u.userId ?? null,
    first_name: u.firstName ?? (name && space > 0 ? name.slice(0, space) : name),
    last_name: u.lastName ?? (name && space > 0 ? name.slice(space + 1) : null),
    name,
    title: u.jobTitle ?? u.title ?? null,
    username: u.email ?? null,
    emails: u.email ? [{ email: u.email, type: 'work', is_primary: true }] : [],
    phones,
    status: STATUS[u.userStatus ?? ''] ?? 'inactive',
    roles: u.permissionProfileId
      ? [{ id: u.permissionProfileId, name: u.permissionProfileName ?? null }]
      : [],
    groups: u.groupList
      ? u.groupList.map((g) => ({ id: g.groupId ?? null, name: g.groupName ?? null }))
      : null,
    is_admin: u.isAdmin === undefined ? null : u.isAdmin.toLowerCase() === 'true',
    user_type: u.userType ?? null,
    last_login_at: isoOrNull(u.lastLogin),
    created_at: isoOrNull(u.createdDateTime ?? u.userAddedToAccountDateTime),
    updated_at: isoOrNull(u.userProfileLastModifiedDate),
    account_id: accountId,
  };
}

/** Baseline of the unified-list bench: one DocuSign users page fetched and mapped by hand, offset as the cursor. */
async function startBareUnified(o: SimInfo) {
  const upstreamFetch = createNodeFetch();
  const base = `${o.origin}/restapi/v2.1/accounts/${o.accountId}`;
  const app = new Hono();
  app.get('/users', async (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const offset = Number(c.req.query('cursor') ?? 0);
    const res = await upstreamFetch.fetch(
      `${base}/users?additional_info=true&count=${limit}&start_position=${offset}`,
      { headers: { authorization: `Bearer ${o.token}`, accept: 'application/json' } },
    );
    const page = (await res.json()) as { users?: DocusignUser[]; totalSetSize?: string };
    const result = (page.users ?? []).map((u) => mapUser(u, o.accountId));
    const next = offset + result.length;
    return c.json({
      result,
      next_cursor: next < Number(page.totalSetSize ?? 0) ? String(next) : null,
      result_count: result.length,
    });
  });
  const server = await listen(app.fetch);
  return { info: { origin: server.origin }, close: server.close };
}

/** A started role: what it reports, how it stops, and the requests only it answers. */
interface Started {
  info: unknown;
  close: () => Promise<void>;
  handle?: (m: ChildRequest) => boolean;
}

/** Each role this child can play, started from its JSON options. */
const roles: Record<string, (o: unknown) => Promise<Started>> = {
  sim: (o) => startSim(o as SimOptions),
  gateway: (o) => startGateway(o as GatewayOptions),
  'bare-proxy': (o) => startBareProxy(o as SimInfo),
  'bare-pipe-proxy': (o) => startBarePipeProxy(o as SimInfo),
  'bare-tcp-relay': (o) => startBareTcpRelay(o as SimInfo),
  'bare-unified': (o) => startBareUnified(o as SimInfo),
  'bare-signing-requests': (o) => startBareSigningRequests(o as SimInfo, listen),
  'bare-connect-inbound': (o) => startBareConnectInbound(o as BareConnectOptions, listen),
};

async function main(): Promise<void> {
  const start = role === undefined ? undefined : roles[role];
  const started: Started | null = start ? await start(options) : null;
  if (!started) throw new Error(`unknown role ${role}`);

  let timer: NodeJS.Timeout | undefined;
  let baseline = 0;
  let peak = 0;
  let sample = () => process.memoryUsage.rss();
  const handle = started.handle;
  process.on('message', async (m: ChildRequest) => {
    if (handle?.(m)) return;
    if (m.cmd === 'rss-start') {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 50));
      globalThis.gc?.();
      // RSS every 2 ms (`memoryUsage.rss()`: the full `memoryUsage()` walks the heap and would slow what it measures);
      // or, for `live`, what is still referenced, after a forced GC every 20 ms.
      const read = m.live ? liveBytes : () => process.memoryUsage.rss();
      baseline = read();
      peak = baseline;
      sample = read;
      timer = setInterval(
        () => {
          const value = read();
          if (value > peak) peak = value;
        },
        m.live ? 20 : 2,
      );
      send({ type: 'rss-started' });
    } else if (m.cmd === 'rss-stop') {
      clearInterval(timer);
      const value = sample();
      if (value > peak) peak = value;
      send({ type: 'rss', baseline, peak, now: value });
    } else if (m.cmd === 'rss') {
      send({ type: 'rss', baseline: 0, peak: 0, now: process.memoryUsage().rss });
    } else if (m.cmd === 'memory') {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 50));
      globalThis.gc?.();
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      send({ type: 'memory', rss, heapUsed, external, arrayBuffers });
    } else if (m.cmd === 'cpu') {
      const cpu = process.cpuUsage();
      send({ type: 'cpu', micros: cpu.user + cpu.system });
    } else if (m.cmd === 'stop') {
      await started.close();
      process.exit(0);
    }
  });
  send({ type: 'ready', info: started.info });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
