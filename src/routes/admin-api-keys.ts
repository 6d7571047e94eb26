import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { VerifiedKeyCache } from '../api-keys/api-key-auth';
import { createApiKey, ensureEnvironment, listApiKeys, revokeApiKeyReturningId } from '../api-keys/api-keys';
import { deriveManagementToken, sameToken } from '../api-keys/management-token';
import type { Database } from '../db/client';
import type { GatewayEnv } from '../http/context';
import { ApiError } from '../http/errors';
import type { Router } from '../http/openapi';

const ENVIRONMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CreateBody = z.strictObject({
  environment_id: z.string().regex(ENVIRONMENT_ID, 'letters, digits, _ or -, at most 64').optional(),
  name: z.string().min(1).max(200).optional(),
});

export interface AdminApiKeysDeps {
  db: Database;
  keyCache: VerifiedKeyCache;
  signingSecret: string;
  now: () => number;
  /** Environment a key is created in when the request names none. */
  defaultEnvironment: { id: string; name: string };
}

/**
 * `/admin/api-keys`: create, list and revoke API keys in a running gateway (what `npm run keys` uses while the
 * gateway holds the embedded database). Authenticated by the management token derived from `SIGNING_SECRET`,
 * never by an API key; kept out of `/openapi.json`. A revoke here also empties this process's verified-key cache,
 * so the key stops working at once.
 */
export function registerAdminApiKeys(app: Router, deps: AdminApiKeysDeps): void {
  const expected = deriveManagementToken(deps.signingSecret);
  const managementAuth = createMiddleware<GatewayEnv>(async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match || !sameToken(match[1]!, await expected)) {
      throw new ApiError(
        'unauthorized',
        'Key management needs "Authorization: Bearer <management token>" (derived from SIGNING_SECRET; API keys are not accepted)',
      );
    }
    await next();
  });
  app.use('/admin/*', managementAuth);

  app.get('/admin/api-keys', async (c) => {
    const environmentId = c.req.query('environment_id');
    const keys = await listApiKeys(deps.db, environmentId || undefined);
    return c.json({ result: keys.map(present) }, 200);
  });

  app.post('/admin/api-keys', async (c) => {
    const body = CreateBody.safeParse(await jsonBody(c));
    if (!body.success) {
      const summary = body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      throw new ApiError('invalid_request', `Invalid body: ${summary}`, body.error.issues);
    }
    const environmentId = body.data.environment_id ?? deps.defaultEnvironment.id;
    const environmentName =
      environmentId === deps.defaultEnvironment.id ? deps.defaultEnvironment.name : environmentId;
    await ensureEnvironment(deps.db, environmentId, environmentName);
    const created = await createApiKey(deps.db, { environmentId, name: body.data.name ?? 'cli' });
    return c.json({ ...created, environment_id: environmentId }, 201);
  });

  app.post('/admin/api-keys/:id/revoke', async (c) => {
    const target = c.req.param('id');
    const id = await revokeApiKeyReturningId(deps.db, target, new Date(deps.now()));
    if (!id) throw new ApiError('not_found', `No active key ${target}`);
    deps.keyCache.forgetId(id);
    return c.json({ id, revoked: true }, 200);
  });
}

async function jsonBody(c: Context<GatewayEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  if (!/^application\/json\s*(?:;|$)/i.test(c.req.header('content-type') ?? '')) {
    throw new ApiError(
      'unsupported_media_type',
      'Send the body as JSON with "content-type: application/json"',
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('invalid_request', 'Request body is not valid JSON');
  }
}

type Summary = Awaited<ReturnType<typeof listApiKeys>>[number];
function present(key: Summary) {
  return {
    id: key.id,
    environment_id: key.environmentId,
    name: key.name,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}
