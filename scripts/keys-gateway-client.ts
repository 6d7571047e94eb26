/**
 * The client side of `/admin/api-keys`: `npm run keys` uses it when a running gateway holds the embedded database
 * (or `--gateway URL` names one), so the gateway that caches verified keys is the one that changes them.
 */
import { deriveManagementToken } from '../src/api-keys/management-token';

export interface RemoteKey {
  id: string;
  environment_id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A client of one gateway's key-management routes. */
export async function gatewayKeysClient(baseUrl: string, signingSecret: string) {
  const token = await deriveManagementToken(signingSecret);
  const call = async (method: string, path: string, body?: unknown) => {
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(
        `Could not reach the gateway at ${baseUrl}: ${error instanceof Error ? error.message : error}`,
      );
    }
    const parsed = (await res.json().catch(() => ({}))) as { error?: { message?: string } } & Record<
      string,
      unknown
    >;
    return { status: res.status, body: parsed };
  };
  const fail = (what: string, answer: { status: number; body: { error?: { message?: string } } }) =>
    new Error(
      `The gateway at ${baseUrl} refused to ${what}: ${answer.status} ${answer.body.error?.message ?? ''}`,
    );
  return {
    async create(input: { environmentId?: string; name?: string }) {
      const answer = await call('POST', '/admin/api-keys', {
        ...(input.environmentId ? { environment_id: input.environmentId } : {}),
        ...(input.name ? { name: input.name } : {}),
      });
      if (answer.status !== 201) throw fail('create a key', answer);
      return answer.body as unknown as { id: string; key: string; environment_id: string };
    },
    async list(environmentId?: string) {
      const query = environmentId ? `?environment_id=${encodeURIComponent(environmentId)}` : '';
      const answer = await call('GET', `/admin/api-keys${query}`);
      if (answer.status !== 200) throw fail('list keys', answer);
      return (answer.body as unknown as { result: RemoteKey[] }).result;
    },
    /** Revokes by id or prefix; false when no active key matched. */
    async revoke(idOrPrefix: string) {
      const answer = await call('POST', `/admin/api-keys/${encodeURIComponent(idOrPrefix)}/revoke`);
      if (answer.status === 404) return false;
      if (answer.status !== 200) throw fail('revoke the key', answer);
      return true;
    },
  };
}
