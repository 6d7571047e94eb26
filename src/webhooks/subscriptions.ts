/** Webhook subscriptions: where an environment's events go, which ones, and the secret that signs them. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { webhookSecretAad } from '../credentials/aad';
import type { Vault } from '../credentials/vault';
import type { Database } from '../db/client';
import { integratedAccounts, webhookSubscriptions } from '../db/schema/index';
import { ApiError } from '../http/errors';
import { generateWebhookSecret } from './signature';
import { checkSubscriberTarget, type SubscriberUrlPolicy } from './subscriber-url';

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;

export interface SubscriptionsContext {
  db: Database;
  vault: Vault;
  now: () => number;
  urlPolicy: SubscriberUrlPolicy;
}

/** The public shape of a subscription (never the secret). */
export interface WebhookSubscription {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  integrated_account_ids: string[];
  status: 'active' | 'failing' | 'disabled';
  consecutive_failures: number;
  last_failure_at: string | null;
  last_success_at: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionInput {
  url: string;
  description?: string | null;
  event_types?: string[];
  integrated_account_ids?: string[];
}

export type SubscriptionChanges = Partial<SubscriptionInput> & { status?: 'active' | 'disabled' };

/** Maps a row to the public shape. */
export function presentSubscription(row: SubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: row.eventTypes,
    integrated_account_ids: row.integratedAccountIds,
    status: row.status as WebhookSubscription['status'],
    consecutive_failures: row.consecutiveFailures,
    last_failure_at: row.lastFailureAt?.toISOString() ?? null,
    last_success_at: row.lastSuccessAt?.toISOString() ?? null,
    previous_secret_expires_at: row.previousSecretExpiresAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

async function assertOwnAccounts(db: Database, environmentId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await db
    .select({ id: integratedAccounts.id })
    .from(integratedAccounts)
    .where(
      and(eq(integratedAccounts.environmentId, environmentId), inArray(integratedAccounts.id, [...ids])),
    );
  const known = new Set(found.map((r) => r.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new ApiError('invalid_request', `integrated_account_ids: unknown ${missing.join(', ')}`, {
      param: 'integrated_account_ids',
    });
  }
}

/** Reads a subscription of the environment (404 otherwise). */
export async function getSubscription(
  db: Database,
  environmentId: string,
  id: string,
): Promise<SubscriptionRow> {
  const [row] = await db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.environmentId, environmentId)))
    .limit(1);
  if (!row) throw new ApiError('not_found', `Webhook subscription ${id} not found`);
  return row;
}

/** Every subscription of the environment, oldest first. */
export async function listSubscriptions(db: Database, environmentId: string): Promise<SubscriptionRow[]> {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.environmentId, environmentId))
    .orderBy(asc(webhookSubscriptions.createdAt), asc(webhookSubscriptions.id));
}

/** Creates a subscription; the secret is returned here once and stored sealed. */
export async function createSubscription(
  ctx: SubscriptionsContext,
  environmentId: string,
  input: SubscriptionInput,
): Promise<{ row: SubscriptionRow; secret: string }> {
  await checkSubscriberTarget(input.url, ctx.urlPolicy);
  await assertOwnAccounts(ctx.db, environmentId, input.integrated_account_ids ?? []);
  const id = `whsub_${crypto.randomUUID().replaceAll('-', '')}`;
  const secret = generateWebhookSecret();
  const at = new Date(ctx.now());
  const [row] = await ctx.db
    .insert(webhookSubscriptions)
    .values({
      id,
      environmentId,
      url: input.url,
      description: input.description ?? null,
      eventTypes: [...new Set(input.event_types ?? [])],
      integratedAccountIds: [...new Set(input.integrated_account_ids ?? [])],
      secretSealed: await ctx.vault.seal(secret, webhookSecretAad(id, 'current')),
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return { row: row!, secret };
}

/** Changes url, filters, description, or pauses (`disabled`) / resumes (`active`) a subscription. */
export async function updateSubscription(
  ctx: SubscriptionsContext,
  environmentId: string,
  id: string,
  changes: SubscriptionChanges,
): Promise<SubscriptionRow> {
  const row = await getSubscription(ctx.db, environmentId, id);
  if (changes.url !== undefined) await checkSubscriberTarget(changes.url, ctx.urlPolicy);
  if (changes.integrated_account_ids)
    await assertOwnAccounts(ctx.db, environmentId, changes.integrated_account_ids);
  const [updated] = await ctx.db
    .update(webhookSubscriptions)
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.event_types ? { eventTypes: [...new Set(changes.event_types)] } : {}),
      ...(changes.integrated_account_ids
        ? { integratedAccountIds: [...new Set(changes.integrated_account_ids)] }
        : {}),
      ...(changes.status ? { status: changes.status, consecutiveFailures: 0 } : {}),
      updatedAt: new Date(ctx.now()),
    })
    .where(eq(webhookSubscriptions.id, row.id))
    .returning();
  return updated!;
}

/** Deletes a subscription and its pending deliveries. */
export async function deleteSubscription(db: Database, environmentId: string, id: string): Promise<string> {
  const row = await getSubscription(db, environmentId, id);
  await db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, row.id));
  return row.id;
}

/**
 * A new secret, returned once. The old one keeps signing (a second `v1,` signature) for `overlapSeconds`, so
 * subscribers can switch without losing a delivery.
 */
export async function rotateSubscriptionSecret(
  ctx: SubscriptionsContext,
  environmentId: string,
  id: string,
  overlapSeconds: number,
): Promise<{ row: SubscriptionRow; secret: string }> {
  const row = await getSubscription(ctx.db, environmentId, id);
  const secret = generateWebhookSecret();
  const previous = await ctx.vault.open(row.secretSealed, webhookSecretAad(id, 'current'));
  const [updated] = await ctx.db
    .update(webhookSubscriptions)
    .set({
      secretSealed: await ctx.vault.seal(secret, webhookSecretAad(id, 'current')),
      previousSecretSealed:
        overlapSeconds > 0 ? await ctx.vault.seal(previous, webhookSecretAad(id, 'previous')) : null,
      previousSecretExpiresAt: overlapSeconds > 0 ? new Date(ctx.now() + overlapSeconds * 1000) : null,
      updatedAt: new Date(ctx.now()),
    })
    .where(eq(webhookSubscriptions.id, row.id))
    .returning();
  return { row: updated!, secret };
}

/** The secrets that sign a delivery now: the current one, and the previous one until it expires. */
export async function signingSecrets(vault: Vault, row: SubscriptionRow, now: number): Promise<string[]> {
  const secrets = [await vault.open(row.secretSealed, webhookSecretAad(row.id, 'current'))];
  if (
    row.previousSecretSealed &&
    row.previousSecretExpiresAt &&
    row.previousSecretExpiresAt.getTime() > now
  ) {
    secrets.push(await vault.open(row.previousSecretSealed, webhookSecretAad(row.id, 'previous')));
  }
  return secrets;
}
