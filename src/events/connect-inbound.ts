/**
 * DocuSign Connect in: verify the HMAC signature, parse the JSON SIM message, store its unified events (deduplicated)
 * before answering, so an acknowledged message is never lost and a redelivered one is stored once. A message
 * without the envelope's data (only ids, or a configuration without `includeData` recipients) is completed by
 * reading the envelope from DocuSign through the upstream client.
 */

import { z } from 'zod';
import { coveredAccounts, type IntegratedAccountRow } from '../connections/integrated-accounts';
import { upstreamBudget } from '../connections/pacing';
import type { DiscoveredAccount } from '../db/schema/index';
import { esignatureBase } from '../docusign/accounts';
import { ApiError } from '../http/errors';
import { connectSignatures, verifyConnectSignature } from './connect-signature';
import type { EventsContext } from './context';
import { envelopeEvents } from './envelope-events';
import { ENVELOPE_TRANSITIONS, RECIPIENT_TRANSITIONS } from './event-types';
import { recordEvents } from './record-events';

/** The part of DocuSign's JSON SIM Connect message the gateway reads. */
const ConnectMessageSchema = z.object({
  event: z.string().min(1),
  generatedDateTime: z.string().min(1),
  data: z.object({
    accountId: z.string().min(1),
    envelopeId: z.string().min(1),
    recipientId: z.string().optional(),
    envelopeSummary: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** The envelope with recipients and documents, as the poller lists it, read from DocuSign. */
async function fetchEnvelope(
  ctx: EventsContext,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
  envelopeId: string,
): Promise<Record<string, unknown>> {
  const base = esignatureBase({ baseUri: account.base_uri, accountId: account.id });
  return ctx.upstream.json<Record<string, unknown>>({
    integratedAccountId: row.id,
    ...upstreamBudget(row, account),
    method: 'GET',
    url: `${base}/envelopes/${encodeURIComponent(envelopeId)}?include=recipients,documents`,
    headers: { accept: 'application/json' },
  });
}

export interface ConnectReceipt {
  /** Unified events newly stored (0 for a redelivery or an event type the gateway does not publish). */
  stored: number;
}

/** Handles one Connect POST for a connection; throws 404/401/400 ApiErrors before anything is stored. */
export async function receiveConnectMessage(
  ctx: EventsContext,
  integratedAccountId: string,
  headers: Headers,
  body: Uint8Array<ArrayBuffer>,
): Promise<ConnectReceipt> {
  const row = await ctx.accounts.byId(integratedAccountId);
  if (!row) throw new ApiError('not_found', `Integrated account ${integratedAccountId} not found`);
  const signatures = connectSignatures(headers);
  if (signatures.length === 0) throw new ApiError('unauthorized', 'Missing X-DocuSign-Signature-1 header');
  const keys = await ctx.connectKeys.keys(row.id);
  if (keys.length === 0) {
    throw new ApiError(
      'unauthorized',
      'The connection has no Connect HMAC key; add one with POST …/connect-keys',
    );
  }
  if (!(await verifyConnectSignature(body, signatures, keys))) {
    throw new ApiError(
      'unauthorized',
      'X-DocuSign-Signature does not match any Connect key of the connection',
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new ApiError(
      'invalid_request',
      'The Connect message is not valid JSON (configure Connect for JSON SIM)',
    );
  }
  const parsed = ConnectMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      'invalid_request',
      'The Connect message lacks event, generatedDateTime or data{accountId,envelopeId} (configure Connect for JSON SIM)',
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
    );
  }
  const message = parsed.data;
  const account = coveredAccounts(row).find(
    (a) => a.id.toLowerCase() === message.data.accountId.toLowerCase(),
  );
  if (!account) {
    throw new ApiError(
      'invalid_request',
      `DocuSign account ${message.data.accountId} is not covered by integrated account ${row.id}`,
    );
  }
  const summary = message.data.envelopeSummary ?? {};
  // Without recipients the unified record would lack its participants: read the envelope from DocuSign and keep
  // what the message says on top (its status and dates are the ones of this change; the read may be newer). An
  // event the gateway does not publish costs no read.
  const published = [...ENVELOPE_TRANSITIONS, ...RECIPIENT_TRANSITIONS].some(
    (t) => t.connect === message.event,
  );
  const complete = !published || (typeof summary.recipients === 'object' && summary.recipients !== null);
  const envelope = {
    ...(complete ? {} : await fetchEnvelope(ctx, row, account, message.data.envelopeId)),
    ...summary,
    envelopeId: message.data.envelopeId,
  };
  const drafts = await envelopeEvents(
    ctx,
    {
      environmentId: row.environmentId,
      integratedAccountId: row.id,
      accountId: account.id,
      organizationId: row.organizationId ?? account.organization_id ?? undefined,
      envelope,
    },
    {
      kind: 'connect',
      event: message.event,
      generatedDateTime: message.generatedDateTime,
      recipientId: message.data.recipientId,
    },
  );
  return { stored: await recordEvents(ctx.db, drafts) };
}
