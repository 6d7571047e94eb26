/** Times seeding the DocuSign simulator at scale and paging through all users. Run: npx tsx bench/simulator-seed.bench.ts */
import { createDocusignSimulator } from '../src/sandbox/docusign';

const scale = { users: 100_000, envelopes: 20_000, templates: 500, groups: 20 };
const t0 = performance.now();
const sim = createDocusignSimulator({ scale, rateLimits: { hourly: 1e9, burst: 1e9 } });
const seedMs = performance.now() - t0;

const account = sim.defaults.accountIds[0]!;
const auth = { authorization: `Bearer ${sim.issueTokens().access_token}` };
const t1 = performance.now();
let next = `/v2.1/accounts/${account}/users?count=100`;
let users = 0;
let pages = 0;
while (next) {
  const res = await sim.fetch(`${sim.origin}/restapi${next}`, { headers: auth });
  const body = (await res.json()) as { users: unknown[]; nextUri: string };
  users += body.users.length;
  next = body.nextUri;
  pages++;
}
const pageMs = performance.now() - t1;
const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
console.log(
  `simulator-seed: seed ${scale.users} users/${scale.envelopes} envelopes/${scale.templates} templates in ${seedMs.toFixed(0)} ms; ` +
    `paged ${users} users in ${pages} pages in ${pageMs.toFixed(0)} ms (${(pageMs / pages).toFixed(2)} ms/page); heap ${heapMb.toFixed(0)} MB`,
);
