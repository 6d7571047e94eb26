import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/crypto/sha256';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let ia: string;
beforeAll(async () => {
  t = await createConnectedApp();
  ia = await t.connect();
});
afterAll(() => t.close());

const createUser = (key: string, email: string) =>
  t.request(`/unified/user-directory/users?integrated_account_id=${ia}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ name: 'Idem Potent', email }),
  });

describe('Idempotency-Key on unified writes', () => {
  it('replays the first response for a repeat and sends DocuSign one request', async () => {
    const before = t.sim.log.count({ method: 'POST' });
    const first = await createUser('create-user-1', 'idem1@example.com');
    expect(first.status).toBe(201);
    const second = await createUser('create-user-1', 'idem1@example.com');
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(second)).toEqual(await json(first));
    expect(t.sim.log.count({ method: 'POST' })).toBe(before + 1);
  });

  it('answers 409 when the key is reused for a different request', async () => {
    await createUser('create-user-2', 'idem2@example.com');
    const reused = await createUser('create-user-2', 'someone-else@example.com');
    expect(reused.status).toBe(409);
    expect((await json(reused)).error.code).toBe('conflict');
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const body = JSON.stringify({ name: 'Idem Potent', email: 'idem3@example.com' });
    const url = `http://localhost/unified/user-directory/users?integrated_account_id=${ia}`;
    const hash = await sha256Hex(`POST\n${url}\n${body}`);
    await t.db.execute(
      sql`insert into idempotency_keys (environment_id, key, request_hash) values (${t.environmentId}, 'running-key', ${hash})`,
    );
    const res = await createUser('running-key', 'idem3@example.com');
    expect(res.status).toBe(409);
    expect((await json(res)).error.message).toContain('still in progress');
  });

  it('rejects a malformed key', async () => {
    const res = await createUser('bad key with spaces', 'idem4@example.com');
    expect(res.status).toBe(400);
  });
});
