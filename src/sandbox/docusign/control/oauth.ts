/** Control API: register integrations (clients), their JWT public keys, and users' consent. */

import type { Hono } from 'hono';
import { importSPKI } from 'jose';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import { EsignError } from '../esignature/common';
import { userIdsByEmail } from '../state';
import { controlBody } from './body';
import { CONTROL_PREFIX } from './prefix';

const ClientBody = z.object({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500).optional(),
  redirectUris: z.array(z.url()).default([]),
  publicKeyPem: z.string().optional(),
});
const KeyBody = z.object({ publicKeyPem: z.string().min(1) });
const ConsentBody = z
  .object({
    clientId: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
    email: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).optional(),
  })
  .refine((b) => !(b.userId && b.email), 'give userId or email, not both');

/** Rejects a PEM that is not an RSA SPKI public key, so a bad key fails here and not at the next JWT grant. */
export async function assertPublicKey(pem: string): Promise<void> {
  try {
    await importSPKI(pem, 'RS256');
  } catch {
    throw new EsignError(
      'SANDBOX_INVALID_REQUEST',
      'publicKeyPem must be an RSA public key in PEM (SPKI, "-----BEGIN PUBLIC KEY-----").',
    );
  }
}

/** Registers `/__sandbox/clients`, `/clients/{clientId}/public-key` and `/consent`. */
export function registerOAuthControlRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  const p = CONTROL_PREFIX;
  const clientView = (clientId: string) => {
    const client = sim.oauth.clients.get(clientId);
    if (!client) throw new EsignError('SANDBOX_UNKNOWN_CLIENT', `No integration key ${clientId}.`, 404);
    // The secret and key are the caller's own; only whether they are set is shown.
    return {
      clientId: client.clientId,
      redirectUris: client.redirectUris,
      hasSecret: client.clientSecret !== undefined,
      hasPublicKey: client.publicKeyPem !== undefined,
    };
  };

  app.get(`${p}/clients`, (c) => c.json({ clients: [...sim.oauth.clients.keys()].map(clientView) }));
  app.post(`${p}/clients`, async (c) => {
    const b = await controlBody(c, ClientBody);
    if (b.publicKeyPem) await assertPublicKey(b.publicKeyPem);
    sim.oauth.registerClient(b);
    return c.json(clientView(b.clientId), 201);
  });
  app.put(`${p}/clients/:clientId/public-key`, async (c) => {
    const clientId = c.req.param('clientId');
    clientView(clientId);
    const { publicKeyPem } = await controlBody(c, KeyBody);
    await assertPublicKey(publicKeyPem);
    sim.oauth.setPublicKey(clientId, publicKeyPem);
    return c.json(clientView(clientId));
  });

  const target = (b: z.infer<typeof ConsentBody>) => {
    const clientId = b.clientId ?? [...sim.oauth.clients.keys()][0]!;
    clientView(clientId);
    const userId = b.email
      ? userIdsByEmail(sim.state, b.email)[0]
      : (b.userId ?? sim.state.organization.createdBy);
    if (!userId || !sim.state.users.has(userId))
      throw new EsignError('INVALID_USERID', 'No user with that id or email in the sandbox.', 404);
    return { clientId, userId };
  };
  app.post(`${p}/consent`, async (c) => {
    const b = await controlBody(c, ConsentBody);
    const { clientId, userId } = target(b);
    sim.oauth.grantConsent(userId, clientId, b.scopes);
    return c.json({ clientId, userId, scopes: b.scopes ?? ['signature', 'impersonation'] });
  });
  app.delete(`${p}/consent`, async (c) => {
    const b = await controlBody(c, ConsentBody);
    const { clientId, userId } = target(b);
    sim.oauth.revokeConsent(userId, clientId);
    sim.oauth.revokeTokens(userId, clientId);
    return c.json({ clientId, userId, scopes: [] });
  });
}
