/** Helpers shared by the Admin API route modules: errors, access checks, paging. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SimContext, SimEnv } from '../context';
import { findAccount, type SimAccount, type SimUser, type UserStatus, userIdsByEmail } from '../state';

export type Ctx = Context<SimEnv>;
export type Body = Record<string, unknown>;

/** Thrown by Admin handlers; rendered as `{error, error_description}`. */
export class AdminError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status: ContentfulStatusCode = 400,
  ) {
    super(description);
  }
}

/** eSignature user status -> Admin API snake_case status. */
export const STATUS: Record<UserStatus, string> = {
  Active: 'active',
  ActivationSent: 'activation_sent',
  ActivationRequired: 'activation_required',
  Closed: 'closed',
  Disabled: 'disabled',
};
/** ISO-8601 timestamp, or undefined. */
export const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
/** The value if it is a string. */
export const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** A non-negative integer query parameter (Admin paging `start`/`take`). */
export const intParam = (c: Ctx, name: string, fallback: number): number => {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n) || n < 0)
    throw new AdminError('invalid_request', `${name} must be a non-negative integer.`);
  return n;
};

/** Drops undefined members. */
export function clean<T extends Body>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The organization named in the path, if the caller administers it. */
export function org(c: Ctx, sim: SimContext) {
  const o = sim.state.organization;
  if (c.req.param('organizationId')?.toLowerCase() !== o.organizationId) {
    throw new AdminError('not_found', 'The organization was not found.', 404);
  }
  if (!o.adminUserIds.has(c.get('grant').userId)) {
    throw new AdminError('forbidden', 'The user is not an administrator of this organization.', 403);
  }
  return o;
}

/** The account named in the path, if it belongs to the caller's organization. */
export function orgAccount(c: Ctx, sim: SimContext): SimAccount {
  const o = org(c, sim);
  const account = findAccount(sim.state, c.req.param('accountId') ?? '');
  if (!account || !o.accountIds.includes(account.accountId)) {
    throw new AdminError('not_found', 'The account is not part of this organization.', 404);
  }
  return account;
}

/** The Admin `paging` object with absolute `next`/`previous` links. */
export function paging(
  c: Ctx,
  sim: SimContext,
  start: number,
  returned: number,
  total: number,
  take: number,
) {
  const url = new URL(c.req.url);
  const link = (position: number) => {
    const q = new URLSearchParams(url.search);
    q.set('start', String(position));
    q.set('take', String(take));
    q.delete('end');
    return `${sim.origin}${url.pathname}?${q.toString()}`;
  };
  return clean({
    result_set_size: returned,
    result_set_start_position: start,
    result_set_end_position: returned === 0 ? start : start + returned - 1,
    total_set_size: total,
    next: start + returned < total ? link(start + returned) : undefined,
    previous: start > 0 ? link(Math.max(0, start - take)) : undefined,
  });
}

/** People registered under an email address. */
export function usersByEmail(sim: SimContext, email: string): SimUser[] {
  return userIdsByEmail(sim.state, email).map((id) => sim.state.users.get(id)!);
}

/** Whether a person is a member of any account of the organization. */
export function inOrg(sim: SimContext, user: SimUser): boolean {
  return sim.state.organization.accountIds.some((id) =>
    sim.state.accounts.get(id)?.membersById.has(user.userId),
  );
}
