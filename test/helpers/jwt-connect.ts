import type { z } from '@hono/zod-openapi';
import type { JwtConnectionSchema } from '../../src/routes/integrated-accounts';
import type { DocusignSimulator } from '../../src/sandbox/docusign/index';

/** The body of `POST /integrated-accounts` for a JWT-grant connection, as the route's schema accepts it. */
export type JwtConnectBody = z.input<typeof JwtConnectionSchema>;

/**
 * A JWT-grant connect body for the simulator's default app and user, signed with `privateKeyPem`. Overrides
 * replace or add fields; unknown fields pass through, so tests can send what the schema must refuse.
 */
export function jwtConnectBody(
  sim: Pick<DocusignSimulator, 'defaults'>,
  privateKeyPem: string,
  overrides: Partial<JwtConnectBody> & Record<string, unknown> = {},
): JwtConnectBody & Record<string, unknown> {
  return {
    auth_type: 'jwt',
    integration_key: sim.defaults.clientId,
    user_id: sim.defaults.userId,
    private_key: privateKeyPem,
    ...overrides,
  };
}
