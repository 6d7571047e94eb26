/**
 * Cloudflare Workers entry. The database is PostgreSQL reached through a Hyperdrive binding (`HYPERDRIVE`) or a
 * `DATABASE_URL` secret; migrations are applied from Node beforehand (`DATABASE_URL=… npm run db:migrate`).
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp } from './app';
import { docusignConfigFrom } from './connections/docusign-app';
import type { Database } from './db/client';
import * as schema from './db/schema/index';
import { createJsonLogger } from './http/logger';

export interface WorkerEnv {
  HYPERDRIVE?: Hyperdrive;
  DATABASE_URL?: string;
  PUBLIC_URL?: string;
  BODY_LIMIT_BYTES?: string;
  /** Secrets (set with `wrangler secret put`). */
  ENCRYPTION_KEYS?: string;
  SIGNING_SECRET?: string;
  DOCUSIGN_ENVIRONMENT?: 'demo' | 'production';
  DOCUSIGN_CLIENT_ID?: string;
  DOCUSIGN_CLIENT_SECRET?: string;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const connectionString = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
    const encryptionKeys = env.ENCRYPTION_KEYS;
    const signingSecret = env.SIGNING_SECRET;
    if (!connectionString || !encryptionKeys || !signingSecret) {
      const missing = [
        connectionString ? null : 'HYPERDRIVE or DATABASE_URL',
        encryptionKeys ? null : 'ENCRYPTION_KEYS',
        signingSecret ? null : 'SIGNING_SECRET',
      ].filter(Boolean);
      return Response.json(
        { error: { code: 'internal', message: `Worker is missing ${missing.join(', ')}`, status: 500 } },
        { status: 500 },
      );
    }
    // Workers may not share sockets between requests, so each request gets its own small client.
    const sql = postgres(connectionString, { max: 5, fetch_types: false });
    const db = drizzle(sql, { schema }) as unknown as Database;
    const app = createApp({
      db,
      logger: createJsonLogger('info'),
      secrets: { encryptionKeys, signingSecret },
      docusign: docusignConfigFrom({
        docusign: {
          environment: env.DOCUSIGN_ENVIRONMENT ?? 'demo',
          clientId: env.DOCUSIGN_CLIENT_ID,
          clientSecret: env.DOCUSIGN_CLIENT_SECRET,
        },
      }),
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
