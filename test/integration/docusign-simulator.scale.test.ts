import { describe, expect, it } from 'vitest';
import { createDocusignSimulator } from '../../src/sandbox/docusign';

describe('a 100k-user seed', () => {
  it('pages through every user by following nextUri', async () => {
    const sim = createDocusignSimulator({
      scale: { users: 100_000, envelopes: 10, templates: 1, groups: 2 },
      rateLimits: { hourly: 1_000_000, burst: 1_000_000 },
    });
    const account = sim.defaults.accountIds[0]!;
    const auth = { authorization: `Bearer ${sim.issueTokens().access_token}` };
    const seen = new Set<string>();
    let next = `/v2.1/accounts/${account}/users?count=100`;
    let total = '';
    let pages = 0;
    while (next) {
      const res = await sim.fetch(`${sim.origin}/restapi${next}`, { headers: auth });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        users: { userId: string }[];
        nextUri: string;
        totalSetSize: string;
      };
      for (const u of body.users) seen.add(u.userId);
      total = body.totalSetSize;
      next = body.nextUri;
      pages++;
    }
    expect(total).toBe('100000');
    expect(seen.size).toBe(100_000);
    expect(pages).toBe(1000);
  });
});
