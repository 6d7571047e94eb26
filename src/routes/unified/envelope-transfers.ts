import { createRoute, z } from '@hono/zod-openapi';
import { selectDocusignAccount } from '../../connections/account-selection';
import { getIntegratedAccount } from '../../connections/integrated-accounts';
import { assertPermission } from '../../connections/permissions';
import { getEnvelopeTransfer, startEnvelopeTransfer } from '../../envelope-transfers/envelope-transfer';
import { errorResponses, type Router } from '../../http/openapi';
import type { UnifiedRouteDeps } from './deps';

const Query = z.object({
  integrated_account_id: z.string().min(1).openapi({ description: 'The connection to use.' }),
  account_id: z.string().min(1).optional().openapi({
    description: 'One DocuSign account of a sync-all connection (default: its default account).',
  }),
});

const IdParams = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const EnvelopeTransferSchema = z
  .object({
    id: z.string().openapi({ description: 'The DocuSign envelope transfer rule id.' }),
    status: z.enum(['in_progress', 'completed', 'disabled']).openapi({
      description:
        '`in_progress` while envelopes of the user are still out for signature (they move when they complete); `completed` when none is left; `disabled` when the DocuSign rule was disabled.',
    }),
    account_id: z.string(),
    from_user_id: z.string(),
    to_user_id: z.string(),
    mechanism: z.literal('docusign_envelope_transfer_rule'),
    event_type: z.literal('completed'),
    created_at: z.string().nullable().openapi({ description: "The rule's `modifiedDate`." }),
    total: z.number().int(),
    moved: z
      .number()
      .int()
      .openapi({ description: 'Envelopes DocuSign has given to the new owner on completion.' }),
    pending: z
      .number()
      .int()
      .openapi({ description: 'Sent or delivered envelopes that will move when they complete.' }),
    skipped: z.number().int(),
    moved_envelope_ids: z.array(z.string()),
    pending_envelope_ids: z.array(z.string()),
    skipped_envelopes: z.array(
      z.object({
        envelope_id: z.string(),
        status: z.string().openapi({ description: "The envelope's DocuSign status." }),
        reason: z.enum([
          'completed_before_transfer',
          'voided',
          'declined',
          'draft_not_sent',
          'not_completed',
        ]),
      }),
    ),
  })
  .openapi('EnvelopeTransfer');

const TransferBody = z
  .object({
    to_user_id: z.string().min(1).openapi({ description: 'The DocuSign user who becomes the owner.' }),
  })
  .openapi('EnvelopeTransferRequest');

const DESCRIPTION = `Hands the user's **completed** envelopes to \`to_user_id\`, using the mechanism DocuSign offers.

DocuSign's eSignature API has no call that changes the owner of an existing envelope (\`PUT /folders/{folderId}\`
moves envelopes only between the calling user's own folders). What it offers is an **envelope transfer rule**
(\`POST /envelopes/transfer_rules\`; account administrators only, and the account needs the "Transfer Custody"
feature). This action creates one with \`eventType: completed\`, \`fromUsers: [{userId: id}]\`,
\`toUser: {userId: to_user_id}\`: from then on DocuSign moves each envelope of the user to the new owner at the
moment it completes, and only completed ones. So:

- envelopes out for signature (\`sent\`, \`delivered\`) are **pending**: they move when they complete;
- envelopes already completed before the call are **skipped** (\`completed_before_transfer\`: DocuSign cannot
  re-own them through its API), as are \`voided\`, \`declined\` and drafts (\`draft_not_sent\`; sent and completed
  later, a draft moves too);
- the rule stays in DocuSign (also for envelopes the user sends later) until disabled or deleted there.

The answer is a transfer resource (\`202\`, its id is the DocuSign rule id); follow it with
\`GET /unified/user-directory/transfer-jobs/{id}\`. Calling again with the same users returns the same transfer;
another enabled completed-event rule of the user is a \`409\`. An unknown user is a \`404\` (path) or \`400\`
(\`to_user_id\`) with DocuSign's error in \`details\`.`;

/** Registers the envelope-transfer action and its progress resource. */
export function registerEnvelopeTransfers(app: Router, deps: UnifiedRouteDeps): void {
  const tags = ['User Directory: Users'];
  const json = { 'application/json': { schema: EnvelopeTransferSchema } };
  app.openapi(
    createRoute({
      method: 'post',
      path: '/unified/user-directory/users/{id}/transfer-envelopes',
      operationId: 'transferUserEnvelopes',
      tags,
      summary: "Transfer the user's completed envelopes to another user",
      description: DESCRIPTION,
      request: {
        params: IdParams,
        query: Query,
        body: { content: { 'application/json': { schema: TransferBody } }, required: true },
      },
      responses: {
        202: { description: 'The transfer and its progress so far', content: json },
        ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { id } = c.req.valid('param');
      const { to_user_id } = c.req.valid('json');
      const row = await getIntegratedAccount(
        deps.db,
        c.get('auth').environmentId,
        query.integrated_account_id,
      );
      assertPermission(row, 'write', 'transferring envelopes');
      const account = selectDocusignAccount(row, query.account_id);
      const transfer = await startEnvelopeTransfer(deps, row, account, id, to_user_id);
      const location = `/unified/user-directory/transfer-jobs/${encodeURIComponent(transfer.id)}?integrated_account_id=${encodeURIComponent(row.id)}&account_id=${encodeURIComponent(account.id)}`;
      return c.json(transfer, 202, { location });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/user-directory/transfer-jobs/{id}',
      operationId: 'getTransferJob',
      tags,
      summary: 'Get the progress of an envelope transfer',
      description:
        'Reads the DocuSign transfer rule and the envelopes of both users again: which moved, which are still out for signature, which will not move and why.',
      request: { params: IdParams, query: Query },
      responses: {
        200: { description: 'The transfer', content: json },
        ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { id } = c.req.valid('param');
      const row = await getIntegratedAccount(
        deps.db,
        c.get('auth').environmentId,
        query.integrated_account_id,
      );
      assertPermission(row, 'read', 'reading an envelope transfer');
      const account = selectDocusignAccount(row, query.account_id);
      return c.json(await getEnvelopeTransfer(deps, row, account, id), 200);
    },
  );
}
