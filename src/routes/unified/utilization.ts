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
import { utilizationAccounts, utilizationRows } from '../../utilization/report';
import { addDays, dayOf, HISTORY_DAYS } from '../../utilization/store';
import { syncStatuses } from '../../utilization/sync-status';
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

export const SyncStatusSchema = z
  .object({
    account_id: z.string(),
    status: z.enum(['not_started', 'running', 'completed', 'stopped', 'failed']),
    synced_through: z.string().nullable().openapi({
      description: 'Aggregates are complete for the days before this one (UTC).',
      format: 'date',
    }),
    phase: z
      .string()
      .nullable()
      .openapi({ description: '`users`, `envelopes` or `templates` while running.' }),
    progress: z.object({
      users_total: z.number().int(),
      users_done: z.number().int(),
      pages_read: z.number().int(),
    }),
    started_at: z.string().nullable(),
    updated_at: z.string().nullable(),
    estimated_completion_at: z.string().nullable(),
    reason: z.string().nullable().openapi({
      description: 'Why the job stopped early (`page_limit`, `time_limit`, `memory_limit`) or failed.',
    }),
  })
  .openapi('UtilizationSyncStatus');

const UtilizationList = z
  .object({
    result: z.array(UtilizationSchema),
    next_cursor: z.string().nullable(),
    result_count: z.number().int(),
    sync_status: z.array(SyncStatusSchema).openapi({ description: 'The sync job of each account covered.' }),
  })
  .openapi('UtilizationList');

export const SyncPending = z
  .object({ sync_status: z.array(SyncStatusSchema) })
  .openapi('UtilizationSyncPending');

const DESCRIPTION = `Envelopes sent and templates created per user and period, from DocuSign eSignature data.

- **envelopes_sent**: envelopes whose \`sentDateTime\` falls in the period (UTC days), counted for their sender. Drafts
  (never sent) do not count; an envelope sent and later voided or declined was sent and counts. Read with
  \`GET /envelopes?from_to_status=sent&user_id=…\` for each user of the account's users list.
- **templates_created**: templates whose \`created\` time falls in the period, counted for their owner (DocuSign lists
  the templates the connected user may see: all of them for an account administrator; deleted templates are gone).
- **is_active**: at least one envelope sent or one template created in the period. Every user of the account's
  users list gets a row, with zeros when idle.

The first call for an account starts a background job that reads ${HISTORY_DAYS} days of history from DocuSign
(users, then each user's sent envelopes, then templates) and stores daily aggregates; until it completes the answer
is **202** with \`sync_status\` (progress, estimated completion; also \`retry-after\`). The job paces its DocuSign
calls to a share of the account's hourly quota, resumes after a restart, and stops at a bound on pages, time or memory
(\`status: stopped\` with the \`reason\`; the rows then hold what it read). A daily job adds the days since the last
sync. Answers come from the stored aggregates only: complete UTC days before \`sync_status[].synced_through\`;
the current day is not counted until it ends, which is why the default period is the 30 complete days ending
yesterday. \`period_start\` may be at most ${HISTORY_DAYS} days ago, the range at most ${HISTORY_DAYS} days, and
\`period_end\` not after today.`;

/** Registers `GET /unified/user-directory/utilization`. */
export function registerUtilization(app: Router, deps: UnifiedRouteDeps): void {
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
        202: {
          description:
            'The first sync of an account is still running (poll again after `retry-after` seconds)',
          content: { 'application/json': { schema: SyncPending } },
        },
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
      const accounts = utilizationAccounts(row, query.account_id);
      const sync = await syncStatuses(deps, row, accounts);
      if (sync.pending) {
        c.header('retry-after', '30');
        return c.json({ sync_status: sync.statuses }, 202);
      }
      const rows = await utilizationRows(deps.db, row, accounts, {
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
      return c.json({ result, next_cursor, result_count: result.length, sync_status: sync.statuses }, 200);
    },
  );
}
