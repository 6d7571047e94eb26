import { createRoute, z } from '@hono/zod-openapi';
import { getIntegratedAccount } from '../../connections/integrated-accounts';
import { assertPermission } from '../../connections/permissions';
import {
  DEFAULT_CURSOR_TTL_MS,
  decodeCursor,
  encodeCursor,
  hashFilters,
  LIMIT_DEFAULT,
} from '../../http/cursor';
import { ApiError } from '../../http/errors';
import { errorResponses, type Router } from '../../http/openapi';
import { utilizationRows } from '../../utilization/report';
import { addDays, dayOf, HISTORY_DAYS, type UtilizationStoreDeps } from '../../utilization/store';
import type { UnifiedRouteDeps } from './deps';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && dayOf(Date.parse(`${v}T00:00:00Z`)) === v, {
    message: 'not a calendar date',
  });

const UtilizationQuery = z.object({
  integrated_account_id: z.string().min(1).openapi({ description: 'The connection to use.' }),
  account_id: z.string().min(1).optional().openapi({
    description: 'One DocuSign account of the connection (default: every account it covers).',
  }),
  period_start: isoDay
    .optional()
    .openapi({ description: 'First day (UTC, inclusive); default: 29 days before period_end.' }),
  period_end: isoDay.optional().openapi({
    description: 'Last day (UTC, inclusive), at most today; default: yesterday (the last complete day).',
  }),
  granularity: z.enum(['period', 'month', 'week', 'day']).default('period').openapi({
    description:
      '`period`: one row per user for the whole range; `month`, `week` (ISO, Monday first) or `day`: one row per user and period, clipped to the range.',
  }),
  user_id: z.string().min(1).optional().openapi({ description: 'Only this DocuSign user.' }),
  limit: z.coerce.number().int().min(1).max(500).default(LIMIT_DEFAULT),
  cursor: z.string().min(1).optional().openapi({ description: '`next_cursor` of the previous page.' }),
});

export const UtilizationSchema = z
  .object({
    id: z.string().openapi({ description: '`{account_id}:{user_id}:{period_start}`' }),
    user_id: z.string(),
    account_id: z.string(),
    period_start: z.string().openapi({ format: 'date' }),
    period_end: z.string().openapi({ format: 'date' }),
    envelopes_sent: z.number().int(),
    templates_created: z.number().int(),
    is_active: z.boolean(),
  })
  .openapi('Utilization');

const UtilizationList = z
  .object({
    result: z.array(UtilizationSchema),
    next_cursor: z.string().nullable(),
    result_count: z.number().int(),
  })
  .openapi('UtilizationList');

const DESCRIPTION = `Envelopes sent and templates created per user and period, from DocuSign eSignature data.

- **envelopes_sent**: envelopes whose \`sentDateTime\` falls in the period (UTC days), counted for their sender. Drafts
  (never sent) do not count; an envelope sent and later voided or declined was sent and counts. Read with
  \`GET /envelopes?from_to_status=sent&user_id=…\` for each user of the account's users list.
- **templates_created**: templates whose \`created\` time falls in the period, counted for their owner (DocuSign lists
  the templates the connected user may see: all of them for an account administrator; deleted templates are gone).
- **is_active**: at least one envelope sent or one template created in the period. Every user of the account's
  users list gets a row, with zeros when idle.

The first call for an account computes ${HISTORY_DAYS} days of history from DocuSign and stores daily aggregates;
later calls and the daily job fetch only the days after the last sync. Complete UTC days come from the stored
aggregates; the current day, when the period includes it, is read live from DocuSign (one envelope list per user),
which is why the default period is the 30 complete days ending yesterday. \`period_start\` may be at
most ${HISTORY_DAYS} days ago, the range at most ${HISTORY_DAYS} days, and \`period_end\` not after today.`;

/** Registers `GET /unified/user-directory/utilization`. */
export function registerUtilization(app: Router, deps: UnifiedRouteDeps): void {
  const store: UtilizationStoreDeps = {
    db: deps.db,
    upstream: deps.upstream,
    now: deps.now,
    holder: `gateway-${crypto.randomUUID()}`,
  };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/user-directory/utilization',
      operationId: 'listUtilization',
      tags: ['User Directory: Utilization'],
      summary: 'List utilization per user and period',
      description: DESCRIPTION,
      request: { query: UtilizationQuery },
      responses: {
        200: { description: 'One page', content: { 'application/json': { schema: UtilizationList } } },
        ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const environmentId = c.get('auth').environmentId;
      const row = await getIntegratedAccount(deps.db, environmentId, query.integrated_account_id);
      assertPermission(row, 'read', 'reading utilization');
      const today = dayOf(deps.now());
      // Default: the last 30 complete days, all served from stored aggregates (today would be read live).
      const periodEnd = query.period_end ?? addDays(today, -1);
      const periodStart = query.period_start ?? addDays(periodEnd, -29);
      const bad = (param: string, message: string) => new ApiError('invalid_request', message, { param });
      if (periodStart > periodEnd) throw bad('period_start', 'period_start must not be after period_end');
      if (periodEnd > today) throw bad('period_end', `period_end must not be after today (${today}, UTC)`);
      if (addDays(periodStart, HISTORY_DAYS - 1) < periodEnd)
        throw bad('period_end', `the period may span at most ${HISTORY_DAYS} days`);
      if (periodStart < addDays(today, -HISTORY_DAYS))
        throw bad('period_start', `period_start may be at most ${HISTORY_DAYS} days ago`);

      const binding = {
        environmentId,
        integratedAccountId: row.id,
        resource: 'user-directory/utilization',
        filtersHash: await hashFilters({
          account: query.account_id ?? null,
          period_start: periodStart,
          period_end: periodEnd,
          granularity: query.granularity,
          user_id: query.user_id ?? null,
        }),
      };
      const key = await deps.cursorKey;
      const offset = query.cursor ? (await decodeCursor(query.cursor, key, binding, deps.now())).offset : 0;
      const rows = await utilizationRows(store, row, {
        requestedAccountId: query.account_id,
        periodStart,
        periodEnd,
        granularity: query.granularity,
        userId: query.user_id,
      });
      const result = rows.slice(offset, offset + query.limit);
      const end = offset + result.length;
      const next_cursor =
        end < rows.length
          ? await encodeCursor(
              { ...binding, offset: end, accountIndex: 0, expiresAt: deps.now() + DEFAULT_CURSOR_TTL_MS },
              key,
            )
          : null;
      return c.json({ result, next_cursor, result_count: result.length }, 200);
    },
  );
}
