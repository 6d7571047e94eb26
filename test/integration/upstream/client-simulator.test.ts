import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { createDocusignSimulator, type DocusignSimulator } from '../../../src/sandbox/docusign';
import {
  createUpstreamClient,
  type TokenSource,
  type UpstreamClientDeps,
} from '../../../src/upstream/client';
import { createFakeClock } from '../../helpers/clock';

/** A token source backed by the simulator's token issuer; `stale` makes the first token a revoked-looking one. */
function simTokens(sim: DocusignSimulator, opts: { stale?: boolean; alwaysInvalid?: boolean } = {}) {
  let current = opts.stale || opts.alwaysInvalid ? 'not-a-valid-token' : sim.issueTokens().access_token;
  const source = {
    forced: 0,
    async getAccessToken(_id: string, o?: { forceRefresh?: boolean }) {
      if (o?.forceRefresh) {
        source.forced++;
        if (!opts.alwaysInvalid) current = sim.issueTokens().access_token;
      }
      return current;
    },
  } satisfies TokenSource & { forced: number };
  return source;
}

function setup(
  options: {
    tokens?: 'valid' | 'stale' | 'invalid';
    config?: UpstreamClientDeps['config'];
    hourly?: number;
  } = {},
) {
  const clock = createFakeClock(Date.parse('2026-03-02T10:15:00Z'));
  const sim = createDocusignSimulator({
    seed: 7,
    scale: { users: 20, envelopes: 5, templates: 1, groups: 1 },
    now: clock.now,
    ...(options.hourly ? { rateLimits: { hourly: options.hourly } } : {}),
  });
  const tokens = simTokens(sim, {
    stale: options.tokens === 'stale',
    alwaysInvalid: options.tokens === 'invalid',
  });
  const client = createUpstreamClient({
    fetch: sim.fetch,
    tokens,
    now: clock.now,
    sleep: clock.sleep,
    config: options.config,
  });
  const [primary, secondary] = sim.defaults.accountIds;
  const usersUrl = (account = primary!) => `${sim.origin}/restapi/v2.1/accounts/${account}/users?count=5`;
  return { sim, clock, tokens, client, usersUrl, primary: primary!, secondary: secondary! };
}

const esignRequests = (sim: DocusignSimulator) => sim.log.entries.filter((e) => e.api === 'esignature');

describe('upstream client against the DocuSign simulator', () => {
  it('absorbs a 429 storm, waiting as long as Retry-After says', async () => {
    const { sim, client, clock, usersUrl } = setup();
    sim.faults.set({ rateLimitStorm: { count: 3, retryAfterSeconds: 2 } });
    const body = await client.json<{ users: unknown[] }>({
      integratedAccountId: 'ia',
      url: usersUrl(),
      method: 'GET',
    });
    expect(body.users.length).toBeGreaterThan(0);
    expect(clock.sleeps).toEqual([2_000, 2_000, 2_000]);
    expect(esignRequests(sim).map((e) => e.status)).toEqual([429, 429, 429, 200]);
  });

  it('gives up with rate_limited when the storm outlasts the attempts', async () => {
    const { sim, client, usersUrl } = setup();
    sim.faults.set({ rateLimitStorm: { count: 10, retryAfterSeconds: 1 } });
    const err = await client
      .json({ integratedAccountId: 'ia', url: usersUrl(), method: 'GET' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('rate_limited');
    expect((err as ApiError).headers?.['retry-after']).toBe('1');
    expect((err as ApiError).details).toMatchObject({ errorCode: 'HOURLY_APINVOCATION_LIMIT_EXCEEDED' });
    expect(esignRequests(sim)).toHaveLength(4);
  });

  it('still succeeds with 30% of responses failing 503, within the retry budget', async () => {
    const { sim, client, usersUrl } = setup({ config: { maxAttempts: 5 } });
    sim.faults.set({ errorRate: 0.3, errorStatus: 503 });
    for (let i = 0; i < 30; i++) {
      await client.json({ integratedAccountId: 'ia', url: usersUrl(), method: 'GET' });
    }
    const log = esignRequests(sim);
    const failures = log.filter((e) => e.status === 503).length;
    expect(failures).toBeGreaterThan(0);
    expect(log.filter((e) => e.status === 200)).toHaveLength(30);
    expect(log.length).toBeLessThanOrEqual(30 * 5);
  });

  it('turns timeouts into upstream_unavailable after the configured attempts', async () => {
    const { sim, client, usersUrl } = setup({ config: { maxAttempts: 2 } });
    sim.faults.set({ latencyMs: 300 });
    const err = await client
      .json({ integratedAccountId: 'ia', url: usersUrl(), method: 'GET', timeoutMs: 20 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('upstream_unavailable');
    expect((err as ApiError).message).toContain('no response within 20 ms');
    expect((err as ApiError).details).toMatchObject({ attempts: 2 });
  });

  it('retries a connection reset for GET but not for POST', async () => {
    const { sim, client, usersUrl, primary } = setup();
    let seen = 0;
    sim.faults.set({ match: () => ++seen === 1, resetRate: 1 });
    await client.json({ integratedAccountId: 'ia', url: usersUrl(), method: 'GET' });
    expect(esignRequests(sim).map((e) => e.fault ?? 'ok')).toEqual(['reset', 'ok']);

    seen = 0;
    sim.log.clear();
    const err = await client
      .json({
        integratedAccountId: 'ia',
        url: `${sim.origin}/restapi/v2.1/accounts/${primary}/envelopes`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ emailSubject: 'Hello', status: 'created' }),
      })
      .catch((e) => e);
    expect((err as ApiError).code).toBe('upstream_unavailable');
    expect(esignRequests(sim)).toHaveLength(1);
  });

  it('on a 401 forces one token refresh and retries once', async () => {
    const { sim, client, tokens, usersUrl } = setup({ tokens: 'stale' });
    const body = await client.json<{ users: unknown[] }>({
      integratedAccountId: 'ia',
      url: usersUrl(),
      method: 'GET',
    });
    expect(body.users.length).toBeGreaterThan(0);
    expect(tokens.forced).toBe(1);
    expect(esignRequests(sim).map((e) => e.status)).toEqual([401, 200]);
  });

  it('does not loop when the refreshed token is rejected too', async () => {
    const { sim, client, tokens, usersUrl } = setup({ tokens: 'invalid' });
    const err = await client
      .json({ integratedAccountId: 'ia', url: usersUrl(), method: 'GET' })
      .catch((e) => e);
    expect((err as ApiError).code).toBe('upstream_error');
    expect((err as ApiError).status).toBe(502);
    expect((err as ApiError).details).toMatchObject({ errorCode: 'USER_AUTHENTICATION_FAILED' });
    expect(JSON.stringify((err as ApiError).details)).not.toContain('not-a-valid-token');
    expect(tokens.forced).toBe(1);
    expect(esignRequests(sim)).toHaveLength(2);
  });

  it('slows an account whose hourly quota runs low, without touching the other account', async () => {
    const { sim, client, usersUrl, primary, secondary } = setup({ hourly: 20 });
    let served = 0;
    let refused: ApiError | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      try {
        await client.json({
          integratedAccountId: 'ia',
          budgetKey: primary,
          url: usersUrl(primary),
          method: 'GET',
        });
        served++;
      } catch (err) {
        refused = err as ApiError;
      }
    }
    // The budget stopped before DocuSign had to refuse anything.
    expect(refused?.code).toBe('rate_limited');
    expect(served).toBeLessThan(20);
    expect(esignRequests(sim).every((e) => e.status === 200)).toBe(true);
    // The other account has its own quota and budget.
    await client.json({
      integratedAccountId: 'ia',
      budgetKey: secondary,
      url: usersUrl(secondary),
      method: 'GET',
    });
  });
});
