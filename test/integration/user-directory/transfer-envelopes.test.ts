import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let conn: string;
let readOnly: string;
let account: SimAccount;
let from: string;
let to: string;
const ids: Record<'completed' | 'pending' | 'pendingLater' | 'voided' | 'draft', string> = {
  completed: '',
  pending: '',
  pendingLater: '',
  voided: '',
  draft: '',
};

async function createEnvelope(status: 'sent' | 'created'): Promise<string> {
  const res = await t.request(`/proxy/esignature/envelopes?integrated_account_id=${conn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      status,
      emailSubject: `Transfer test (${status})`,
      documents: [{ documentId: '1', name: 'a.pdf', fileExtension: 'pdf', documentBase64: 'JVBERi0xLjQK' }],
      recipients: {
        signers: [{ recipientId: '1', name: 'Sig Ner', email: 'signer@example.com', routingOrder: '1' }],
      },
    }),
  });
  expect(res.status).toBe(201);
  return (await json(res)).envelopeId;
}

const transferUrl = (userId: string, connection = conn) =>
  `/unified/user-directory/users/${userId}/transfer-envelopes?integrated_account_id=${connection}`;
const post = (userId: string, body: unknown, connection = conn) =>
  t.request(transferUrl(userId, connection), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  t = await createConnectedApp({ sim: { scale: { users: 8, envelopes: 40, templates: 3, groups: 1 } } });
  conn = await t.connect();
  readOnly = await t.connect({ permission: 'read' });
  account = t.sim.account(t.sim.defaults.accountIds[0]!)!;
  from = t.sim.defaults.userId;
  to = account.members.find((m) => m.userId !== from)!.userId;
  ids.completed = await createEnvelope('sent');
  t.sim.actions.completeEnvelope(ids.completed);
  ids.pending = await createEnvelope('sent');
  ids.pendingLater = await createEnvelope('sent');
  ids.voided = await createEnvelope('sent');
  t.sim.actions.voidEnvelope(ids.voided, 'no longer needed');
  ids.draft = await createEnvelope('created');
});
afterAll(() => t.close());

const owner = (envelopeId: string) => account.envelopesById.get(envelopeId)!.ownerUserId;

describe('POST /unified/user-directory/users/{id}/transfer-envelopes', () => {
  it('needs a read_write connection', async () => {
    const res = await post(from, { to_user_id: to }, readOnly);
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
    expect(account.transferRules).toHaveLength(0);
  });

  it("returns 404 with DocuSign's error for an unknown user, 400 for an unknown target", async () => {
    const unknown = '00000000-0000-0000-0000-000000000000';
    const missing = await post(unknown, { to_user_id: to });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.details).toMatchObject({ errorCode: 'INVALID_USERID' });
    const badTarget = await post(from, { to_user_id: unknown });
    expect(badTarget.status).toBe(400);
    expect((await json(badTarget)).error.details).toMatchObject({ errorCode: 'INVALID_USERID' });
    expect((await post(from, { to_user_id: from })).status).toBe(400);
    expect((await post(from, {})).status).toBe(400);
    expect(account.transferRules).toHaveLength(0);
  });

  it('creates a completed-event transfer rule and reports pending and skipped envelopes with reasons', async () => {
    const res = await post(from, { to_user_id: to });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(account.transferRules).toHaveLength(1);
    expect(account.transferRules[0]).toMatchObject({
      eventType: 'completed',
      fromUserId: from,
      toUserId: to,
    });
    expect(body).toMatchObject({
      id: account.transferRules[0]!.envelopeTransferRuleId,
      status: 'in_progress',
      from_user_id: from,
      to_user_id: to,
      moved: 0,
    });
    expect(res.headers.get('location')).toContain(`/unified/user-directory/transfer-jobs/${body.id}`);
    // Independent count from the simulator: every envelope the user owns, by status.
    const owned = account.envelopes.filter((e) => e.ownerUserId === from);
    const inFlight = owned.filter((e) => e.status === 'sent' || e.status === 'delivered');
    expect(body.pending).toBe(inFlight.length);
    expect(body.skipped).toBe(owned.length - inFlight.length);
    expect(body.total).toBe(owned.length);
    expect(body.pending_envelope_ids).toEqual(expect.arrayContaining([ids.pending, ids.pendingLater]));
    const reasonOf = (id: string) =>
      body.skipped_envelopes.find((s: { envelope_id: string }) => s.envelope_id === id)?.reason;
    expect(reasonOf(ids.completed)).toBe('completed_before_transfer');
    expect(reasonOf(ids.voided)).toBe('voided');
    expect(reasonOf(ids.draft)).toBe('draft_not_sent');
    // Nothing moved yet: DocuSign moves envelopes when they complete.
    expect(owner(ids.pending)).toBe(from);
  });

  it('returns the same transfer when called again', async () => {
    const res = await post(from, { to_user_id: to });
    expect(res.status).toBe(202);
    expect((await json(res)).id).toBe(account.transferRules[0]!.envelopeTransferRuleId);
    expect(account.transferRules).toHaveLength(1);
  });

  it('moves only envelopes that complete, as the job resource reports', async () => {
    t.sim.actions.completeEnvelope(ids.pending);
    t.sim.actions.voidEnvelope(ids.pendingLater, 'cancelled');
    const id = account.transferRules[0]!.envelopeTransferRuleId;
    const res = await t.request(`/unified/user-directory/transfer-jobs/${id}?integrated_account_id=${conn}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(owner(ids.pending)).toBe(to);
    expect(owner(ids.pendingLater)).toBe(from);
    expect(owner(ids.completed)).toBe(from);
    expect(owner(ids.voided)).toBe(from);
    expect(body.moved_envelope_ids).toEqual([ids.pending]);
    expect(body.moved).toBe(1);
    expect(body.pending_envelope_ids).not.toContain(ids.pending);
    expect(body.skipped_envelopes).toContainEqual({
      envelope_id: ids.pendingLater,
      status: 'voided',
      reason: 'voided',
    });
  });

  it('answers 404 for an unknown transfer job', async () => {
    const res = await t.request(`/unified/user-directory/transfer-jobs/999999?integrated_account_id=${conn}`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });
});
