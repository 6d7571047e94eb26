/**
 * Walks 100k simulated users through the gateway's unified list with cursors (`limit=500`; the gateway fills each
 * page from five DocuSign pages of 100). Simulator and gateway are real servers on loopback (child processes); this
 * process walks. The gateway's RSS is sampled every 2 ms during the walk after a forced GC at the start.
 * Target: gateway peak RSS growth < 50 MB. Run: `npm run bench -- unified-walk`.
 */
import { Pool } from 'undici';
import { startSimAndGateway } from './harness/children';
import { machineLine } from './harness/load';

const USERS = 100_000;
const LIMIT = 500;
const TARGET_GROWTH_MB = 50;

console.log(await machineLine());
const seedStarted = performance.now();
const { sim, gateway } = await startSimAndGateway({ users: USERS });
console.log(
  `simulator (${USERS} users) and gateway up in ${(performance.now() - seedStarted).toFixed(0)} ms`,
);
const g = gateway.info;
const pool = new Pool(g.origin, { connections: 1 });
const headers = { authorization: `Bearer ${g.apiKey}` };
const base = `/unified/user-directory/users?limit=${LIMIT}&integrated_account_id=${g.integratedAccountId}`;

// One page first, so JIT, sockets and the token are warm before the baseline is taken.
await (await pool.request({ path: base, method: 'GET', headers })).body.arrayBuffer();

const tracking = await gateway.trackRss();
const started = performance.now();
let cursor: string | null = null;
let pages = 0;
let users = 0;
const ids = new Set<string>();
do {
  const path: string = cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base;
  const res = await pool.request({ path, method: 'GET', headers });
  const body = (await res.body.json()) as { result: Array<{ id: string }>; next_cursor: string | null };
  if (res.statusCode !== 200) throw new Error(`page ${pages + 1}: ${res.statusCode} ${JSON.stringify(body)}`);
  for (const user of body.result) ids.add(user.id);
  users += body.result.length;
  pages++;
  cursor = body.next_cursor;
} while (cursor);
const seconds = (performance.now() - started) / 1000;
const rss = await tracking.stop();

// The simulator seeds USERS plus the default account owner.
console.log(
  `unified-walk: ${users} users (${ids.size} distinct) in ${pages} pages of ${LIMIT} in ${seconds.toFixed(1)} s ` +
    `(${(users / seconds).toFixed(0)} users/s, ${((seconds * 1000) / pages).toFixed(0)} ms/page); gateway RSS ` +
    `${rss.baselineMb.toFixed(0)} MB -> peak ${rss.peakMb.toFixed(0)} MB (growth ${rss.growthMb.toFixed(1)} MB)`,
);
const ok = ids.size >= USERS && ids.size === users && rss.growthMb < TARGET_GROWTH_MB;
console.log(
  `${ok ? 'PASS' : 'FAIL'}: walked every user once with gateway RSS growth ${rss.growthMb.toFixed(1)} MB < ${TARGET_GROWTH_MB} MB`,
);

await pool.close();
await gateway.stop();
await sim.stop();
process.exit(ok ? 0 : 1);
