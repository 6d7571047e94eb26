import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { Router } from '../http/openapi';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.object({
      reachable: z.boolean(),
      latency_ms: z.number().nullable(),
      error: z.string().optional(),
    }),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  tags: ['Meta'],
  summary: 'Liveness and database reachability',
  security: [],
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'Database unreachable', content: { 'application/json': { schema: HealthSchema } } },
  },
});

/** `GET /health`: no auth; 503 when the database does not answer. */
export function registerHealth(app: Router, deps: { db: Database; now: () => number }): void {
  app.openapi(route, async (c) => {
    const started = deps.now();
    try {
      await deps.db.execute(sql`select 1`);
      const latency = Math.round((deps.now() - started) * 100) / 100;
      return c.json({ status: 'ok' as const, database: { reachable: true, latency_ms: latency } }, 200);
    } catch {
      return c.json(
        {
          status: 'degraded' as const,
          database: { reachable: false, latency_ms: null, error: 'database did not answer' },
        },
        503,
      );
    }
  });
}
