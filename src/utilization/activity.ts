/**
 * What DocuSign says each user of an account did in a time range, bucketed by UTC day:
 * - envelopes sent: envelopes whose `sentDateTime` falls in the range (eSignature `GET /envelopes` with
 *   `from_to_status=sent`, asked per user with `user_id`, because without it DocuSign lists only the caller's
 *   own envelopes and those sent to them). Drafts have no `sentDateTime` and are not counted; an envelope sent and
 *   later voided or declined was still sent and counts. It counts for `sender.userId` (the sender, even when a
 *   transfer rule has since given the envelope to another owner).
 * - templates created: templates whose `created` falls in the range (`GET /templates` with `created_from_date` /
 *   `created_to_date`), for `owner.userId`. DocuSign lists only templates the caller may see (all of them for an
 *   account administrator); deleted templates are not listed.
 */
import { type EsignatureGet, readAllPages } from '../unified/esignature-pages';

/** One user's counts on one UTC day (`YYYY-MM-DD`). */
export interface DailyActivity {
  userId: string;
  day: string;
  envelopesSent: number;
  templatesCreated: number;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const userIdOf = (value: unknown): string | undefined =>
  value !== null && typeof value === 'object' ? str((value as Record<string, unknown>).userId) : undefined;

/** The user ids of the account's users list, in DocuSign's order. */
export async function listAccountUserIds(get: EsignatureGet): Promise<string[]> {
  const users = await readAllPages(get, '/users', {}, 'users');
  return users.map((u) => str(u.userId)).filter((id): id is string => id !== undefined);
}

/** The UTC day of an ISO time, or undefined when it is not inside [fromMs, toMs). */
function dayIn(time: unknown, fromMs: number, toMs: number): string | undefined {
  const text = str(time);
  if (!text) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || ms < fromMs || ms >= toMs) return undefined;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Envelopes sent and templates created per user and UTC day in [fromMs, toMs). */
export async function collectActivity(
  get: EsignatureGet,
  userIds: string[],
  fromMs: number,
  toMs: number,
): Promise<DailyActivity[]> {
  const byKey = new Map<string, DailyActivity>();
  const bump = (userId: string, day: string, field: 'envelopesSent' | 'templatesCreated') => {
    const key = `${userId}\u0000${day}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { userId, day, envelopesSent: 0, templatesCreated: 0 };
      byKey.set(key, entry);
    }
    entry[field]++;
  };
  const range = {
    from_date: new Date(fromMs).toISOString(),
    // DocuSign's `to_date` is inclusive; the range here is half-open.
    to_date: new Date(toMs - 1).toISOString(),
  };
  const seen = new Set<string>();
  for (const userId of userIds) {
    const envelopes = await readAllPages(
      get,
      '/envelopes',
      { ...range, from_to_status: 'sent', user_id: userId, order_by: 'sent', order: 'asc' },
      'envelopes',
    );
    for (const envelope of envelopes) {
      const id = str(envelope.envelopeId);
      if (id) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const day = dayIn(envelope.sentDateTime, fromMs, toMs);
      if (day) bump(userIdOf(envelope.sender) ?? userId, day, 'envelopesSent');
    }
  }
  const templates = await readAllPages(
    get,
    '/templates',
    { created_from_date: range.from_date, created_to_date: range.to_date },
    'envelopeTemplates',
  );
  for (const template of templates) {
    const owner = userIdOf(template.owner);
    const day = dayIn(template.created, fromMs, toMs);
    if (owner && day) bump(owner, day, 'templatesCreated');
  }
  return [...byKey.values()];
}
