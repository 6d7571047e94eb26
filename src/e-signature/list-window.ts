/**
 * The date window of a signing-request list. DocuSign's envelope list needs `from_date` and filters one date at
 * a time (`from_to_status`): creation (`created`) or the last status change (`changed`, its default).
 */
import { ApiError } from '../http/errors';

/** Days the default window reaches back when the caller gives no date. */
export const DEFAULT_WINDOW_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The upstream window params: `from_date`, `to_date` and `date_field` (`created` or `changed`). */
export interface ListWindow {
  from_date: string;
  to_date?: string;
  date_field: 'created' | 'changed';
}

function instant(value: unknown, param: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms))
    throw new ApiError('invalid_request', `${param} must be an ISO 8601 date-time`, { param });
  return new Date(ms).toISOString();
}

/**
 * `created_after`/`created_before` filter on creation, `updated_after` on the last change; without any, the window
 * is the last 30 days of changes from 00:00 UTC (a whole day, so a cursor stays valid for the rest of the day).
 */
export function listWindow(query: Record<string, unknown>, now: number): ListWindow {
  const createdAfter = instant(query.created_after, 'created_after');
  const createdBefore = instant(query.created_before, 'created_before');
  const updatedAfter = instant(query.updated_after, 'updated_after');
  const byCreation = createdAfter !== undefined || createdBefore !== undefined;
  if (byCreation && updatedAfter !== undefined) {
    throw new ApiError(
      'invalid_request',
      'DocuSign filters envelopes on one date at a time: use created_after/created_before or updated_after',
      { param: 'updated_after' },
    );
  }
  const fallback = new Date(Math.floor(now / DAY_MS) * DAY_MS - DEFAULT_WINDOW_DAYS * DAY_MS).toISOString();
  if (byCreation) {
    return {
      from_date: createdAfter ?? fallback,
      ...(createdBefore ? { to_date: createdBefore } : {}),
      date_field: 'created',
    };
  }
  return { from_date: updatedAfter ?? fallback, date_field: 'changed' };
}
