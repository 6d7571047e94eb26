/**
 * What falls due as the simulator's clock moves (the control API advances it): envelope expirations and reminder
 * emails. DocuSign voids an expired envelope with the reason "Envelope has expired." (general knowledge of
 * DocuSign's behaviour); reminders are emails, so the simulator only records them.
 */
import type { SimContext } from './context';
import { expireEnvelope } from './envelope-lifecycle';
import type { SimEnvelope } from './state';

const DAY_MS = 86_400_000;

/** One reminder email the simulator would have sent. */
export interface ReminderRecord {
  accountId: string;
  envelopeId: string;
  recipientId: string;
  email: string;
  /** Simulator clock (ms) when it fell due. */
  dueMs: number;
}

/** What an advance of the clock did. */
export interface ClockAdvance {
  now: string;
  expiredEnvelopeIds: string[];
  reminders: ReminderRecord[];
}

/** When an in-process envelope expires (`expireAfter` days after it was sent), if expiration is on. */
export function expiryMs(e: SimEnvelope): number | undefined {
  const n = e.notification;
  if (n?.expireEnabled !== 'true' || e.sentMs === undefined) return undefined;
  const days = Number(n.expireAfter);
  return Number.isFinite(days) ? e.sentMs + days * DAY_MS : undefined;
}

/** Reminder times of a recipient sent at `sentMs`: after `reminderDelay` days, then every `reminderFrequency` days. */
function reminderTimes(e: SimEnvelope, sentMs: number, untilMs: number): number[] {
  const n = e.notification;
  if (n?.reminderEnabled !== 'true') return [];
  const delay = Number(n.reminderDelay);
  const frequency = Number(n.reminderFrequency);
  if (!Number.isFinite(delay) || delay <= 0) return [];
  const times: number[] = [];
  for (let t = sentMs + delay * DAY_MS; t <= untilMs && times.length < 1000; t += frequency * DAY_MS) {
    times.push(t);
    if (!Number.isFinite(frequency) || frequency <= 0) break;
  }
  return times;
}

/** Expires envelopes whose time has come and records reminders that fell due since the last call. */
export function applyDueEvents(sim: SimContext): ClockAdvance {
  const now = sim.now();
  const expiredEnvelopeIds: string[] = [];
  const reminders: ReminderRecord[] = [];
  for (const account of sim.state.accounts.values()) {
    for (const e of account.envelopes) {
      if (e.status !== 'sent' && e.status !== 'delivered') continue;
      const expires = expiryMs(e);
      const until = expires === undefined ? now : Math.min(now, expires);
      for (const r of e.recipients) {
        if ((r.status !== 'sent' && r.status !== 'delivered') || r.sentMs === undefined) continue;
        const already = sim.reminders.filter(
          (x) => x.envelopeId === e.envelopeId && x.recipientId === r.recipientId,
        ).length;
        for (const dueMs of reminderTimes(e, r.sentMs, until).slice(already)) {
          const record = {
            accountId: account.accountId,
            envelopeId: e.envelopeId,
            recipientId: r.recipientId,
            email: r.email,
            dueMs,
          };
          sim.reminders.push(record);
          reminders.push(record);
        }
      }
      if (expires !== undefined && expires <= now) {
        expireEnvelope(sim, account, e);
        expiredEnvelopeIds.push(e.envelopeId);
      }
    }
  }
  return { now: new Date(now).toISOString(), expiredEnvelopeIds, reminders };
}
