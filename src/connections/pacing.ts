/** A connection's own pacing of its DocuSign accounts' calls, for accounts whose DocuSign API limits were raised. */
import { z } from '@hono/zod-openapi';
import type { ConnectionPacing, DiscoveredAccount } from '../db/schema/index';
import type { BudgetLimits } from '../upstream/account-budget';
import type { IntegratedAccountRow } from './integrated-accounts';

const limit = (max: number, description: string) =>
  z.number().int().min(1).max(max).optional().openapi({ description });

const pacingFields = {
  requests_per_second: limit(
    1_000,
    'Sustained calls per second to each DocuSign account (gateway default: 10).',
  ),
  burst: limit(
    10_000,
    'Calls that may start at once before the sustained rate applies (gateway default: 20).',
  ),
  max_in_flight: limit(1_000, 'Calls to each DocuSign account in flight at once (gateway default: 8).'),
};

/**
 * The pacing of a PATCH, where null goes back to the gateway's. Its own object rather than the named schema made
 * nullable: the OpenAPI generator would mark the shared component nullable, and a union would hide which field is wrong.
 */
export const ConnectionPacingChangeSchema = z.object(pacingFields).nullable().openapi({
  description: "The connection's own pacing (see ConnectionPacing); null: back to the gateway's.",
});

export const ConnectionPacingSchema = z.object(pacingFields).openapi('ConnectionPacing', {
  description:
    "This connection's pacing of each DocuSign account it covers, in place of the gateway's (DOCUSIGN_REQUESTS_PER_SECOND, DOCUSIGN_BURST, DOCUSIGN_MAX_IN_FLIGHT) for accounts whose DocuSign API limits were raised; a field left out keeps the gateway's value; null (on a connection, or in a PATCH) means the gateway's. Connections that cover the same DocuSign account share its pacing: give them the same setting.",
});

/** What is stored for a requested pacing: null for none (or an empty object), else only the fields given. */
export function storedPacing(pacing: z.infer<typeof ConnectionPacingSchema> | null): ConnectionPacing | null {
  if (!pacing) return null;
  const stored: ConnectionPacing = {};
  if (pacing.requests_per_second !== undefined) stored.requests_per_second = pacing.requests_per_second;
  if (pacing.burst !== undefined) stored.burst = pacing.burst;
  if (pacing.max_in_flight !== undefined) stored.max_in_flight = pacing.max_in_flight;
  return Object.keys(stored).length > 0 ? stored : null;
}

/** The budget key and limits of one DocuSign account's calls made through this connection. */
export function upstreamBudget(
  row: Pick<IntegratedAccountRow, 'pacing'>,
  account: Pick<DiscoveredAccount, 'id'>,
): { budgetKey: string; pacing: Partial<BudgetLimits> | undefined } {
  const p = row.pacing;
  if (!p) return { budgetKey: account.id, pacing: undefined };
  const pacing: Partial<BudgetLimits> = {};
  if (p.requests_per_second !== undefined) pacing.refillPerSecond = p.requests_per_second;
  if (p.burst !== undefined) pacing.bucketCapacity = p.burst;
  if (p.max_in_flight !== undefined) pacing.maxConcurrent = p.max_in_flight;
  return { budgetKey: account.id, pacing };
}
