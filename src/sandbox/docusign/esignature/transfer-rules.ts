/**
 * Envelope transfer rules: DocuSign's mechanism for handing a user's envelopes to another user. A rule fires on
 * an envelope event (`sent`, `before sent`, `completed`) for envelopes of `fromUsers`/`fromGroups` and moves the
 * envelope to `toUser` (and `toFolder`). It is not a retroactive bulk move; existing envelopes are moved between
 * folders with PUT /folders/{folderId}.
 */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { transferRuleView } from '../esignature-views';
import type { SimTransferRule } from '../state';
import { EsignError, pageFields, readJson, requireAdmin, startAndCount, str, truthy } from './common';

type Body = Record<string, unknown>;
const EVENT_TYPES = new Set(['sent', 'before sent', 'completed']);
const idOf = (v: unknown, key: string): string | undefined =>
  typeof v === 'object' && v !== null ? str((v as Body)[key]) : undefined;

/** Registers `/envelopes/transfer_rules` routes (registered before `/envelopes/:envelopeId`). */
export function registerTransferRuleRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/envelopes/transfer_rules', (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const { start, count } = startAndCount(c);
    const rules = account.transferRules;
    const page = rules.slice(start, start + count).map((r) => transferRuleView(sim.state, account, r));
    return c.json({
      envelopeTransferRules: page,
      ...pageFields(c, sim, start, page.length, rules.length, count),
    });
  });

  app.post('/envelopes/transfer_rules', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const body = await readJson<Body>(c);
    const eventType = (str(body.eventType) ?? '').toLowerCase();
    if (!EVENT_TYPES.has(eventType))
      throw new EsignError('INVALID_REQUEST_PARAMETER', 'eventType must be sent, before sent or completed.');
    const toUserId = idOf(body.toUser, 'userId');
    if (!toUserId || !account.membersById.has(toUserId))
      throw new EsignError('INVALID_USERID', 'toUser is not a user of this account.');
    const toFolderId = idOf(body.toFolder, 'folderId');
    if (toFolderId && account.folders.get(toFolderId)?.ownerUserId !== toUserId) {
      throw new EsignError('FOLDER_NOT_FOUND', 'toFolder must be a folder of toUser.');
    }
    const fromUsers = (Array.isArray(body.fromUsers) ? body.fromUsers : []).map((u) => idOf(u, 'userId'));
    const fromGroups = (Array.isArray(body.fromGroups) ? body.fromGroups : []).map((g) => idOf(g, 'groupId'));
    if (fromUsers.length + fromGroups.length === 0) {
      throw new EsignError('INVALID_REQUEST_PARAMETER', 'fromUsers or fromGroups is required.');
    }
    for (const u of fromUsers)
      if (!u || !account.membersById.has(u))
        throw new EsignError('INVALID_USERID', 'A fromUsers entry is not a user of this account.');
    for (const g of fromGroups)
      if (!g || !account.groups.some((x) => x.groupId === g))
        throw new EsignError('INVALID_GROUP_ID', 'Invalid group ID.');
    const base = {
      eventType,
      toUserId,
      toFolderId,
      carbonCopyOriginalOwner: truthy(body.carbonCopyOriginalOwner),
      enabled: body.enabled === undefined ? true : truthy(body.enabled),
      modifiedMs: sim.now(),
      modifiedUserId: c.get('grant').userId,
    };
    const created: SimTransferRule[] = [
      ...fromUsers.map((fromUserId) => ({
        ...base,
        envelopeTransferRuleId: String(sim.state.nextNumericId++),
        fromUserId,
      })),
      ...fromGroups.map((fromGroupId) => ({
        ...base,
        envelopeTransferRuleId: String(sim.state.nextNumericId++),
        fromGroupId,
      })),
    ];
    account.transferRules.push(...created);
    return c.json(
      { envelopeTransferRules: created.map((r) => transferRuleView(sim.state, account, r)) },
      201,
    );
  });

  app.put('/envelopes/transfer_rules/:ruleId', async (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const rule = account.transferRules.find((r) => r.envelopeTransferRuleId === c.req.param('ruleId'));
    if (!rule)
      throw new EsignError(
        'INVALID_ENVELOPE_TRANSFER_RULE_ID',
        'The envelope transfer rule ID is not valid.',
      );
    const body = await readJson<Body>(c);
    if (body.enabled !== undefined) rule.enabled = truthy(body.enabled);
    rule.modifiedMs = sim.now();
    rule.modifiedUserId = c.get('grant').userId;
    return c.json(transferRuleView(sim.state, account, rule));
  });

  app.delete('/envelopes/transfer_rules/:ruleId', (c) => {
    requireAdmin(c);
    const account = c.get('account');
    const before = account.transferRules.length;
    account.transferRules = account.transferRules.filter(
      (r) => r.envelopeTransferRuleId !== c.req.param('ruleId'),
    );
    if (account.transferRules.length === before) {
      throw new EsignError(
        'INVALID_ENVELOPE_TRANSFER_RULE_ID',
        'The envelope transfer rule ID is not valid.',
      );
    }
    return c.body(null, 200);
  });
}
