/** Authentication, account membership and API limits for account-scoped eSignature routes. */
import type { MiddlewareHandler } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { findAccount } from '../state';
import { EsignError } from './common';

/** Bearer token of a request, if any. */
export function bearer(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** 401 without a valid token, 400 without a membership, 429 over the limits; adds rate-limit headers. */
export function accountAccess(sim: SimContext): MiddlewareHandler<SimEnv> {
  const { oauth, state } = sim;
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const grant = token ? oauth.lookupAccessToken(token) : 'unknown';
    if (typeof grant === 'string') {
      throw new EsignError(
        'USER_AUTHENTICATION_FAILED',
        grant === 'expired'
          ? 'The access token has expired.'
          : 'One or both of Username and Password are invalid. Invalid access token',
        401,
      );
    }
    c.set('grant', grant);
    const account = findAccount(state, c.req.param('accountId') ?? '');
    const membership = account?.membersById.get(grant.userId);
    if (!account || !membership || membership.status === 'Closed') {
      throw new EsignError(
        'USER_LACKS_MEMBERSHIP',
        'The UserID does not have a valid membership in this Account.',
      );
    }
    c.set('account', account);
    c.set('membership', membership);
    const limit = sim.rateLimiter.hit(account.accountId, grant.userId);
    if (!limit.allowed) {
      // Limit behaviour (429, codes, headers) is documented by DocuSign, not declared in the spec.
      return c.json(
        {
          errorCode: 'HOURLY_APINVOCATION_LIMIT_EXCEEDED',
          message:
            limit.kind === 'burst'
              ? `The maximum number of API invocations per ${sim.rateLimiter.burstWindowMs / 1000} seconds has been exceeded.`
              : `The maximum number of hourly API invocations has been exceeded. The hourly limit is ${sim.rateLimiter.hourly}.`,
        },
        429,
        limit.headers,
      );
    }
    await next();
    for (const [k, v] of Object.entries(limit.headers)) c.res.headers.set(k, v);
    // The spec's example response carries a per-request trace token.
    c.res.headers.set('X-DocuSign-TraceToken', crypto.randomUUID());
  };
}
