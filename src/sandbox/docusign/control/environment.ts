/**
 * Control API: the sandbox's clock, state, injected faults, rate limits and logs. These reuse the simulator's
 * in-process controllers (faults.ts, rate-limit.ts, connect-delivery.ts, request-log.ts) over HTTP.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import type { ClockAdvance } from '../due-events';
import type { FaultRule } from '../faults';
import type { SeedScale } from '../seed';
import { controlBody } from './body';
import { CONTROL_PREFIX } from './prefix';

/** Simulator-level operations the routes call (they live in simulator.ts, which owns the clock and seed). */
export interface EnvironmentControls {
  advanceClock(ms: number): ClockAdvance;
  reset(options: { seed?: number; scale?: SeedScale }): void;
}

const AdvanceBody = z
  .object({
    days: z.number().nonnegative().optional(),
    hours: z.number().nonnegative().optional(),
    minutes: z.number().nonnegative().optional(),
    seconds: z.number().nonnegative().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give days, hours, minutes or seconds');

const count = z.number().int().nonnegative().max(1_000_000);
const ResetBody = z.object({
  seed: z.number().int().optional(),
  scale: z
    .object({
      users: count.optional(),
      envelopes: count.optional(),
      templates: count.optional(),
      groups: count.optional(),
    })
    .optional(),
});

const FaultBody = z.object({
  /** Path prefix (case-insensitive), e.g. `/restapi/v2.1/accounts`; every path when omitted. */
  path: z.string().startsWith('/').optional(),
  method: z.string().min(1).optional(),
  latencyMs: z
    .union([z.number().int().nonnegative(), z.tuple([z.number().int(), z.number().int()])])
    .optional(),
  errorRate: z.number().min(0).max(1).optional(),
  errorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  rateLimitStorm: z
    .object({ count: z.number().int().positive(), retryAfterSeconds: z.number().int().nonnegative() })
    .optional(),
  resetRate: z.number().min(0).max(1).optional(),
  slowBody: z
    .object({ bytesPerChunk: z.number().int().positive(), delayMs: z.number().int().nonnegative() })
    .optional(),
});
const FaultsBody = z.object({ rules: z.array(FaultBody) });

const RateLimitBody = z.object({
  hourly: z.number().int().nonnegative().optional(),
  burst: z.number().int().nonnegative().optional(),
  burstWindowSeconds: z.number().int().positive().optional(),
});

const toRule = ({ path, ...rest }: z.infer<typeof FaultBody>): FaultRule => ({ ...rest, match: path });
const ruleView = (r: FaultRule) => ({
  ...r,
  match: undefined,
  path: typeof r.match === 'string' ? r.match : undefined,
});

/** Registers `/__sandbox/clock`, `/reset`, `/faults`, `/rate-limits`, `/connect/deliveries`, `/requests`, `/reminders`. */
export function registerEnvironmentControlRoutes(
  app: Hono<SimEnv>,
  sim: SimContext,
  controls: EnvironmentControls,
): void {
  const p = CONTROL_PREFIX;

  app.get(`${p}/clock`, (c) => c.json({ now: new Date(sim.now()).toISOString() }));
  app.post(`${p}/clock/advance`, async (c) => {
    const b = await controlBody(c, AdvanceBody);
    const ms =
      ((b.days ?? 0) * 24 * 3600 + (b.hours ?? 0) * 3600 + (b.minutes ?? 0) * 60 + (b.seconds ?? 0)) * 1000;
    return c.json(controls.advanceClock(ms));
  });
  app.get(`${p}/reminders`, (c) => c.json({ reminders: sim.reminders }));

  app.post(`${p}/reset`, async (c) => {
    const b = await controlBody(c, ResetBody);
    controls.reset(b);
    return c.json({ seed: sim.state.seed, accountIds: sim.state.organization.accountIds });
  });

  app.get(`${p}/faults`, (c) => c.json({ rules: sim.faults.list().map(ruleView) }));
  app.put(`${p}/faults`, async (c) => {
    const b = await controlBody(c, FaultsBody);
    sim.faults.set(b.rules.map(toRule));
    return c.json({ rules: sim.faults.list().map(ruleView) });
  });
  app.post(`${p}/faults`, async (c) => {
    sim.faults.add(toRule(await controlBody(c, FaultBody)));
    return c.json({ rules: sim.faults.list().map(ruleView) }, 201);
  });
  app.delete(`${p}/faults`, (c) => {
    sim.faults.clear();
    return c.json({ rules: [] });
  });

  const limits = () => ({
    hourly: sim.rateLimiter.hourly,
    burst: sim.rateLimiter.burst,
    burstWindowSeconds: sim.rateLimiter.burstWindowMs / 1000,
  });
  app.get(`${p}/rate-limits`, (c) => c.json(limits()));
  app.put(`${p}/rate-limits`, async (c) => {
    sim.rateLimiter.configure(await controlBody(c, RateLimitBody));
    return c.json(limits());
  });

  app.get(`${p}/connect/deliveries`, (c) => {
    const { envelopeId, event, state } = c.req.query();
    const deliveries = sim.connect.deliveries.filter(
      (d) =>
        (envelopeId === undefined || d.envelopeId === envelopeId) &&
        (event === undefined || d.event === event) &&
        (state === undefined || d.state === state),
    );
    return c.json({ deliveries });
  });

  app.get(`${p}/requests`, (c) => {
    const { pathPrefix, method, api } = c.req.query();
    const entries = sim.log.filter(
      (e) =>
        (pathPrefix === undefined || e.path.startsWith(pathPrefix)) &&
        (method === undefined || e.method === method.toUpperCase()) &&
        (api === undefined || e.api === api),
    );
    return c.json({ requests: entries });
  });
  app.delete(`${p}/requests`, (c) => {
    sim.log.clear();
    return c.json({ requests: [] });
  });
}
