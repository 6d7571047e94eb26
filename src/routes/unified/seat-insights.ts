import { createRoute, z } from '@hono/zod-openapi';
import { selectDocusignAccount } from '../../connections/account-selection';
import { getIntegratedAccount } from '../../connections/integrated-accounts';
import { assertPermission } from '../../connections/permissions';
import {
  DEFAULT_CURSOR_TTL_MS,
  decodeCursor,
  encodeCursor,
  hashFilters,
  LIMIT_DEFAULT,
} from '../../http/cursor';
import { errorResponses, type Router } from '../../http/openapi';
import { inactiveUsers, seatSummary } from '../../utilization/seat-insights';
import { dayOf, HISTORY_DAYS } from '../../utilization/store';
import { syncStatuses } from '../../utilization/sync-status';
import type { UnifiedRouteDeps } from './deps';
import { SyncPending, SyncStatusSchema } from './utilization';

const Query = z.object({
  integrated_account_id: z.string().min(1).openapi({ description: 'The connection to use.' }),
  account_id: z.string().min(1).optional().openapi({
    description: "One DocuSign account of the connection (default: the connection's default account).",
  }),
  inactive_days: z.coerce.number().int().min(1).max(HISTORY_DAYS).default(90).openapi({
    description: 'A user is inactive without an envelope sent or a template created in this many days.',
  }),
  limit: z.coerce.number().int().min(1).max(500).default(LIMIT_DEFAULT),
  cursor: z.string().min(1).optional().openapi({ description: '`next_cursor` of the previous page.' }),
});

const InactiveUserSchema = z
  .object({
    user_id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    status: z.enum(['active', 'invited', 'inactive']),
    last_activity_on: z.string().nullable().openapi({
      format: 'date',
      description: 'Last day with an envelope sent or a template created (null: none in the synced history).',
    }),
    days_inactive: z.number().int().nullable(),
    added_at: z.string().nullable().openapi({ format: 'date-time' }),
    close_url: z
      .string()
      .openapi({ description: 'POST here (read_write connection) to close the user and free the seat.' }),
  })
  .openapi('InactiveSeatUser');

const SeatInsightsSchema = z
  .object({
    account_id: z.string(),
    as_of: z.string().openapi({ format: 'date' }),
    inactive_days: z.number().int(),
    seats: z.object({
      purchased: z.number().int().nullable().openapi({ description: "Billing plan's includedSeats." }),
      assigned: z.number().int().nullable().openapi({ description: "Account's seatsInUse." }),
      available: z.number().int().nullable(),
    }),
    seat_price: z.object({
      amount: z
        .number()
        .nullable()
        .openapi({ description: "Billing plan's perSeatPrice (per billing cycle)." }),
      currency: z.string().nullable(),
      billing_frequency: z.string().nullable(),
      yearly_amount: z.number().nullable(),
    }),
    inactive_user_count: z.number().int(),
    yearly_reclaimable_amount: z.number().nullable(),
    result: z.array(InactiveUserSchema),
    next_cursor: z.string().nullable(),
    result_count: z.number().int(),
    close_action: z.object({
      method: z.literal('POST'),
      path: z.string(),
      description: z.string(),
    }),
    sync_status: z.array(SyncStatusSchema),
  })
  .openapi('SeatInsights');

const DESCRIPTION = `Right-size seats: seats purchased (billing plan) and assigned, the seat price, and the licensed users
(every status but closed) who have not sent an envelope or created a template in \`inactive_days\` days (default 90)
and joined the account before that, with their last activity and what their seats cost a year. The inactive users are
a cursor-paged list in DocuSign's users-list order; close one with \`POST {close_url}\` (the existing
\`users/{id}/close\` action, on a read_write connection) to free the seat.

Activity comes from the utilization sync (the account's first call starts it: **202** with \`sync_status\` until it
completes). \`yearly_reclaimable_amount\` = inactive users × seat price × billing cycles per year (12 monthly,
1 annually; null for another cycle).`;

/** Registers `GET /unified/user-directory/seat-insights`. */
export function registerSeatInsights(app: Router, deps: UnifiedRouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/user-directory/seat-insights',
      operationId: 'getSeatInsights',
      tags: ['User Directory: Seat insights'],
      summary: 'Seats purchased and assigned, and licensed users inactive for N days',
      description: DESCRIPTION,
      request: { query: Query },
      responses: {
        200: { description: 'One page', content: { 'application/json': { schema: SeatInsightsSchema } } },
        202: {
          description:
            "The account's first utilization sync is still running (poll again after `retry-after` seconds)",
          content: { 'application/json': { schema: SyncPending } },
        },
        ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const environmentId = c.get('auth').environmentId;
      const row = await getIntegratedAccount(deps.db, environmentId, query.integrated_account_id);
      assertPermission(row, 'read', 'reading seat insights');
      const account = selectDocusignAccount(row, query.account_id);
      const binding = {
        environmentId,
        integratedAccountId: row.id,
        resource: 'user-directory/seat-insights',
        filtersHash: await hashFilters({ account: account.id, inactive_days: query.inactive_days }),
      };
      const key = await deps.cursorKey;
      const from = query.cursor ? (await decodeCursor(query.cursor, key, binding, deps.now())).offset : 0;
      const sync = await syncStatuses(deps, row, [account]);
      if (sync.pending) {
        c.header('retry-after', '30');
        return c.json({ sync_status: sync.statuses }, 202);
      }
      const today = dayOf(deps.now());
      const page = await inactiveUsers(deps.db, {
        integratedAccountId: row.id,
        accountId: account.id,
        inactiveDays: query.inactive_days,
        today,
        afterPosition: from - 1,
        limit: query.limit,
      });
      const summary = await seatSummary(deps, row, account, page.total);
      const closeQuery = `integrated_account_id=${encodeURIComponent(row.id)}&account_id=${encodeURIComponent(account.id)}`;
      const result = page.users.map((u) => ({
        ...u,
        close_url: `/unified/user-directory/users/${encodeURIComponent(u.user_id)}/close?${closeQuery}`,
      }));
      const next_cursor =
        page.more && page.lastPosition !== null
          ? await encodeCursor(
              {
                ...binding,
                offset: page.lastPosition + 1,
                accountIndex: 0,
                expiresAt: deps.now() + DEFAULT_CURSOR_TTL_MS,
              },
              key,
            )
          : null;
      return c.json(
        {
          account_id: account.id,
          as_of: today,
          inactive_days: query.inactive_days,
          ...summary,
          result,
          next_cursor,
          result_count: result.length,
          close_action: {
            method: 'POST' as const,
            path: `/unified/user-directory/users/{user_id}/close?${closeQuery}`,
            description:
              "Closes the user's membership of the DocuSign account (DocuSign's delete), which frees the seat; needs a read_write connection. Each result's close_url is this path for that user.",
          },
          sync_status: sync.statuses,
        },
        200,
      );
    },
  );
}
