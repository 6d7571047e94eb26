/**
 * DocuSign Connect in: verify the HMAC signature, parse the JSON SIM message, store its unified events (deduplicated)
 * before answering, so an acknowledged message is never lost and a redelivered one is stored once.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { coveredAccounts } from '../connections/integrated-accounts';
import { integratedAccounts } from '../db/schema/index';
import { ApiError } from '../http/errors';
import { openConnectKeys } from './connect-keys';
import { connectSignatures, verifyConnectSignature } from './connect-signature';
import type { EventsContext } from './context';
import { envelopeEvents } from './envelope-events';
import { recordEvents } from './record-events';

/** The part of DocuSign's JSON SIM Connect message the gateway reads. */
const ConnectMessageSchema = z.object({
  event: z.string().min(1),
  generatedDateTime: z.string().min(1),
  data: z.object({
    accountId: z.string().min(1),
    envelopeId: z.string().min(1),
    recipientId: z.string().optional(),
    envelopeSummary: z.record(z.string(), z.unknown()),
  }),
});

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
  const [row] = await ctx.db
    .select()
    .from(integratedAccounts)
    .where(eq(integratedAccounts.id, integratedAccountId))
    .limit(1);
  if (!row) throw new ApiError('not_found', `Integrated account ${integratedAccountId} not found`);
  const signatures = connectSignatures(headers);
  if (signatures.length === 0) throw new ApiError('unauthorized', 'Missing X-DocuSign-Signature-1 header');
  const keys = await openConnectKeys(ctx.db, ctx.vault, row.id);
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
      'The Connect message lacks event, generatedDateTime or data{accountId,envelopeId,envelopeSummary} (include envelope data in the Connect configuration)',
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
  const drafts = await envelopeEvents(
    ctx,
    {
      environmentId: row.environmentId,
      integratedAccountId: row.id,
      accountId: account.id,
      organizationId: row.organizationId ?? account.organization_id ?? undefined,
      envelope: { envelopeId: message.data.envelopeId, ...message.data.envelopeSummary },
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
