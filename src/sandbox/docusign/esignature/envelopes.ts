/** eSignature envelopes: list, create (documents or template), get, update (send, void, resend). */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import {
  arr,
  isObj,
  parseDocuments,
  parseNotification,
  parseRecipients,
  recipientsFromTemplate,
  requestRandom,
} from '../envelope-builder';
import { sendEnvelope, voidEnvelope } from '../envelope-lifecycle';
import { envelopesOwnedBy } from '../envelope-owner-index';
import { envelopeView, iso } from '../esignature-views';
import { envelopeFolder } from '../folder-index';
import { addEnvelope, type SimAccount, type SimEnvelope, type SimUser, userIdsByEmail } from '../state';
import { type Ctx, dateParam, EsignError, listParam, pageFields, readJson, str, truthy } from './common';

const DATE_FIELD: Record<string, (e: SimEnvelope) => number | undefined> = {
  changed: (e) => e.statusChangedMs,
  created: (e) => e.createdMs,
  sent: (e) => e.sentMs,
  delivered: (e) => e.deliveredMs,
  signed: (e) => e.completedMs,
  completed: (e) => e.completedMs,
  declined: (e) => e.declinedMs,
  voided: (e) => e.voidedMs,
  deleted: (e) => e.deletedMs,
};

const ORDER_BY: Record<string, (e: SimEnvelope) => number | string> = {
  last_modified: (e) => e.lastModifiedMs,
  created: (e) => e.createdMs,
  sent: (e) => e.sentMs ?? 0,
  completed: (e) => e.completedMs ?? 0,
  status_changed: (e) => e.statusChangedMs,
  status: (e) => e.status,
  subject: (e) => e.emailSubject.toLowerCase(),
};

/** `search_text`: subject, recipient names and emails (DocuSign searches these and more). */
const matchesSearch = (e: SimEnvelope, search: string): boolean =>
  e.emailSubject.toLowerCase().includes(search) ||
  e.recipients.some((r) => r.name.toLowerCase().includes(search) || r.email.toLowerCase().includes(search));

/** Looks up an envelope of the account or fails like DocuSign. */
export function findEnvelope(account: SimAccount, envelopeId: string): SimEnvelope {
  const e = account.envelopesById.get(envelopeId);
  if (!e) {
    throw new EsignError(
      'ENVELOPE_DOES_NOT_EXIST',
      'The envelope specified either does not exist or you have no rights to it.',
    );
  }
  return e;
}

const isRecipient = (e: SimEnvelope, user: SimUser) =>
  e.recipients.some((r) => r.email.toLowerCase() === user.email.toLowerCase());

function folderFilter(sim: SimContext, account: SimAccount, user: SimUser, ids: Set<string>) {
  return (e: SimEnvelope): boolean => {
    const own = e.ownerUserId === user.userId;
    for (const id of ids) {
      switch (id) {
        case 'draft':
        case 'drafts':
          if (own && e.folderType === 'draft' && !e.customFolderId) return true;
          break;
        case 'sentitems':
          if (own && e.folderType === 'sentitems' && !e.customFolderId) return true;
          break;
        case 'recyclebin':
          if (own && e.folderType === 'recyclebin') return true;
          break;
        case 'inbox':
          if (isRecipient(e, user) && e.status !== 'created') return true;
          break;
        case 'awaiting_my_signature':
          if (
            e.recipients.some(
              (r) =>
                r.email.toLowerCase() === user.email.toLowerCase() &&
                (r.status === 'sent' || r.status === 'delivered'),
            )
          )
            return true;
          break;
        case 'out_for_signature':
        case 'waiting_for_others':
          if (own && (e.status === 'sent' || e.status === 'delivered')) return true;
          break;
        case 'completed':
          if ((own || isRecipient(e, user)) && e.status === 'completed') return true;
          break;
        case 'expiring_soon':
          break;
        default:
          if (envelopeFolder(sim.state, account, e).folderId === id) return true;
      }
    }
    return false;
  };
}

function listEnvelopes(c: Ctx, sim: SimContext) {
  const account = c.get('account');
  const caller = sim.state.users.get(c.get('grant').userId)!;
  const envelopeIds = listParam(c.req.query('envelope_ids'));
  const transactionIds = listParam(c.req.query('transaction_ids'));
  const from = dateParam('from_date', c.req.query('from_date'));
  if (from === undefined && envelopeIds.size === 0 && transactionIds.size === 0) {
    throw new EsignError(
      'INVALID_REQUEST_PARAMETER',
      "The request contained at least one invalid parameter. No 'from_date' or 'envelope_ids' or 'transaction_ids' specified.",
    );
  }
  const to = dateParam('to_date', c.req.query('to_date')) ?? sim.now();
  const fromTo = (c.req.query('from_to_status') ?? 'changed').toLowerCase();
  const dateOf = DATE_FIELD[fromTo];
  if (!dateOf) throw new EsignError('INVALID_REQUEST_PARAMETER', 'Invalid from_to_status.');
  const statuses = listParam(c.req.query('status'));
  statuses.delete('any');
  const folders = listParam(c.req.query('folder_ids'));
  let userId = c.req.query('user_id');
  const senderEmail = c.req.query('email');
  const senderName = c.req.query('user_name');
  if (senderEmail || senderName) {
    // The spec: `email` and `user_name` go together and must name an existing account user (the sender).
    const sender = userIdsByEmail(sim.state, senderEmail ?? '')
      .map((id) => sim.state.users.get(id)!)
      .find(
        (u) =>
          `${u.firstName} ${u.lastName}`.toLowerCase() === senderName?.toLowerCase() &&
          account.membersById.has(u.userId),
      );
    if (!sender)
      throw new EsignError(
        'INVALID_REQUEST_PARAMETER',
        'email and user_name must both name an existing account user.',
      );
    userId = sender.userId;
  }
  const userFilter = c.req.query('user_filter')?.toLowerCase();
  if (userFilter && !['sender', 'recipient', 'recipient_only'].includes(userFilter)) {
    throw new EsignError(
      'INVALID_REQUEST_PARAMETER',
      'user_filter must be sender, recipient or recipient_only.',
    );
  }
  const search = c.req.query('search_text')?.toLowerCase();
  const start = Number.parseInt(c.req.query('start_position') ?? '0', 10) || 0;
  const askedCount = Number.parseInt(c.req.query('count') ?? '100', 10);
  const count = Math.min(Number.isNaN(askedCount) || askedCount < 0 ? 100 : askedCount, 1000);
  const inFolder = folders.size > 0 ? folderFilter(sim, account, caller, folders) : undefined;

  // One sender's envelopes come from the owner index, not a scan of the account (the filter below still applies).
  const candidates =
    userId && envelopeIds.size === 0 && transactionIds.size === 0
      ? envelopesOwnedBy(account, userId)
      : account.envelopes;
  const matches = candidates.filter((e) => {
    if (envelopeIds.size > 0) return envelopeIds.has(e.envelopeId.toLowerCase());
    if (transactionIds.size > 0)
      return e.transactionId !== undefined && transactionIds.has(e.transactionId.toLowerCase());
    const at = dateOf(e);
    if (at === undefined || at < from! || at > to) return false;
    if (statuses.size > 0 && !statuses.has(e.status)) return false;
    if (userId) {
      if (e.ownerUserId !== userId) return false;
    } else if (e.ownerUserId !== caller.userId && !isRecipient(e, caller)) {
      // Without user_id, DocuSign lists the caller's envelopes: sent by them or to them (see user_filter in the spec).
      return false;
    }
    if (userFilter === 'sender' && e.ownerUserId !== caller.userId) return false;
    if (userFilter === 'recipient' && !isRecipient(e, caller)) return false;
    if (userFilter === 'recipient_only' && (!isRecipient(e, caller) || e.ownerUserId === caller.userId))
      return false;
    if (inFolder && !inFolder(e)) return false;
    if (search && !matchesSearch(e, search)) return false;
    return true;
  });
  const keyOf =
    ORDER_BY[(c.req.query('order_by') ?? 'last_modified').toLowerCase()] ?? ORDER_BY.last_modified!;
  const desc = (c.req.query('order') ?? 'asc').toLowerCase() === 'desc';
  matches.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    const cmp = ka < kb ? -1 : ka > kb ? 1 : a.envelopeId < b.envelopeId ? -1 : 1;
    return desc ? -cmp : cmp;
  });
  const include = listParam(c.req.query('include'));
  const page = matches.slice(start, start + count).map((e) => envelopeView(sim.state, account, e, include));
  return {
    envelopes: page,
    ...pageFields(c, sim, start, page.length, matches.length, count),
    lastQueriedDateTime: iso(sim.now()),
  };
}

/** Registers `/envelopes` routes. */
export function registerEnvelopeRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/envelopes', (c) => c.json(listEnvelopes(c, sim)));

  app.post('/envelopes', async (c) => {
    const account = c.get('account');
    const caller = c.get('grant').userId;
    const body = await readJson<Record<string, unknown>>(c);
    if (arr(body.compositeTemplates).length > 0) {
      throw new EsignError('INVALID_REQUEST_BODY', 'The simulator does not model compositeTemplates.');
    }
    const now = sim.now();
    const rng = requestRandom(
      sim.state.seed,
      `envelope:${account.accountId}:${account.envelopes.length}:${now}`,
    );
    const envelope: SimEnvelope = {
      envelopeId: rng.guid(),
      status: 'created',
      emailSubject: str(body.emailSubject) ?? '',
      emailBlurb: str(body.emailBlurb) ?? '',
      senderUserId: caller,
      ownerUserId: caller,
      folderType: 'draft',
      createdMs: now,
      lastModifiedMs: now,
      statusChangedMs: now,
      transactionId: str(body.transactionId),
      recipients: [],
      documents: [],
      textCustomFields: [],
    };
    const templateId = str(body.templateId);
    if (templateId) {
      const template = account.templatesById.get(templateId);
      if (!template || template.deletedMs !== undefined)
        throw new EsignError('TEMPLATE_ID_INVALID', 'Invalid template ID.');
      envelope.templateId = templateId;
      envelope.documents = template.documents.map((d) => ({ ...d, documentIdGuid: rng.guid() }));
      envelope.recipients = recipientsFromTemplate(rng, template, body.templateRoles);
      envelope.emailSubject ||= template.emailSubject;
      envelope.emailBlurb ||= template.emailBlurb;
      template.lastUsedMs = now;
    } else {
      envelope.documents = parseDocuments(rng, body.documents);
      envelope.recipients = parseRecipients(rng, body.recipients, true);
    }
    envelope.notification = parseNotification(body.notification);
    const custom = isObj(body.customFields) ? arr(body.customFields.textCustomFields) : [];
    envelope.textCustomFields = custom.map((f, i) => ({
      fieldId: String(i + 1),
      name: str(f.name) ?? '',
      value: str(f.value) ?? '',
      show: str(f.show) ?? 'true',
      required: str(f.required) ?? 'false',
    }));
    const status = (str(body.status) ?? 'created').toLowerCase();
    if (status !== 'created' && status !== 'sent') {
      throw new EsignError('INVALID_ENVELOPE_STATUS', 'status must be created or sent.');
    }
    if (
      status === 'sent' &&
      (!envelope.emailSubject || envelope.documents.length === 0 || envelope.recipients.length === 0)
    ) {
      throw new EsignError(
        'ENVELOPE_IS_INCOMPLETE',
        'The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.',
      );
    }
    addEnvelope(account, envelope);
    if (status === 'sent') sendEnvelope(sim, account, envelope);
    return c.json(
      {
        envelopeId: envelope.envelopeId,
        status: envelope.status,
        statusDateTime: iso(envelope.statusChangedMs),
        uri: `/envelopes/${envelope.envelopeId}`,
      },
      201,
    );
  });

  app.get('/envelopes/:envelopeId', (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    return c.json(envelopeView(sim.state, account, e, listParam(c.req.query('include'))));
  });

  app.put('/envelopes/:envelopeId', async (c) => {
    const account = c.get('account');
    const e = findEnvelope(account, c.req.param('envelopeId'));
    const body = await readJson<Record<string, unknown>>(c).catch(() => ({}) as Record<string, unknown>);
    if (truthy(c.req.query('resend_envelope'))) {
      if (e.status !== 'sent' && e.status !== 'delivered') {
        throw new EsignError('ENVELOPE_CANNOT_RESEND', 'Only envelopes in process can be resent.');
      }
      e.lastModifiedMs = sim.now();
      return c.json({ envelopeId: e.envelopeId });
    }
    const status = str(body.status)?.toLowerCase();
    if (status === 'voided') {
      const reason = str(body.voidedReason);
      if (!reason)
        throw new EsignError('INVALID_REQUEST_BODY', 'voidedReason is required to void an envelope.');
      voidEnvelope(sim, account, e, reason);
      return c.json({ envelopeId: e.envelopeId });
    }
    if (str(body.emailSubject) !== undefined || str(body.emailBlurb) !== undefined) {
      if (e.status !== 'created') {
        throw new EsignError(
          'ENVELOPE_CANNOT_CORRECT_INVALID_STATE',
          'Only draft envelopes can be changed this way.',
        );
      }
      e.emailSubject = str(body.emailSubject) ?? e.emailSubject;
      e.emailBlurb = str(body.emailBlurb) ?? e.emailBlurb;
      e.lastModifiedMs = sim.now();
    }
    if (body.notification !== undefined) {
      if (e.status !== 'created' && e.status !== 'sent' && e.status !== 'delivered') {
        throw new EsignError(
          'ENVELOPE_CANNOT_CORRECT_INVALID_STATE',
          `The notification of a ${e.status} envelope cannot change.`,
        );
      }
      e.notification = parseNotification(body.notification, e.notification) ?? e.notification;
      e.lastModifiedMs = sim.now();
    }
    if (status === 'sent') sendEnvelope(sim, account, e);
    else if (status !== undefined)
      throw new EsignError('INVALID_ENVELOPE_STATUS', `Cannot set status ${status}.`);
    return c.json({ envelopeId: e.envelopeId });
  });
}
