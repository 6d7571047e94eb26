/**
 * Cloudflare Workers entry. The database is PostgreSQL reached through a Hyperdrive binding (`HYPERDRIVE`) or a
 * `DATABASE_URL` secret; migrations are applied from Node beforehand (`DATABASE_URL=… npm run db:migrate`).
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp } from './app';
import type { Database } from './db/client';
import * as schema from './db/schema/index';
import { createJsonLogger } from './http/logger';

export interface WorkerEnv {
  HYPERDRIVE?: Hyperdrive;
  DATABASE_URL?: string;
  PUBLIC_URL?: string;
  BODY_LIMIT_BYTES?: string;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const connectionString = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
    if (!connectionString) {
      return Response.json(
        {
          error: {
            code: 'internal',
            message: 'No HYPERDRIVE binding or DATABASE_URL configured',
            status: 500,
          },
        },
        { status: 500 },
      );
    }
    // Workers may not share sockets between requests, so each request gets its own small client.
    const sql = postgres(connectionString, { max: 5, fetch_types: false });
    const db = drizzle(sql, { schema }) as unknown as Database;
    const app = createApp({
      db,
      logger: createJsonLogger('info'),
      config: {
        publicUrl: env.PUBLIC_URL ?? new URL(request.url).origin,
        bodyLimitBytes: Number(env.BODY_LIMIT_BYTES ?? 10 * 1024 * 1024),
      },
    });
    try {
      return await app.fetch(request, env, ctx);
    } finally {
      ctx.waitUntil(sql.end());
    }
  },
};
