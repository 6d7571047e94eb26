/**
 * The gateway's own DocuSign Connect configuration (eSignature `/connect`): registered on every DocuSign account a
 * `read_write` connection covers, publishing JSON SIM messages with HMAC to `{PUBLIC_URL}/webhooks/docusign/{id}`,
 * and removed when the connection is deleted. Where it cannot be registered (read-only, Connect not on the plan,
 * a non-https PUBLIC_URL for DocuSign), the connection says so in `events` and envelope status polling covers.
 */

import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  type DiscoveredAccount,
  integratedAccounts,
  type RegisteredConnectConfiguration,
} from '../db/schema/index';
import { esignatureBase } from '../docusign/accounts';
import type { Logger } from '../http/logger';
import type { UpstreamClient } from '../upstream/client';
import type { AccountCache } from './account-cache';
import { coveredAccounts, type IntegratedAccountRow } from './integrated-accounts';
import { upstreamBudget } from './pacing';

export interface ConnectRegistrationDeps {
  db: Database;
  upstream: Pick<UpstreamClient, 'json' | 'request'>;
  accounts: Pick<AccountCache, 'forget'>;
  publicUrl: string;
  /** EVENTS_CONNECT_REGISTRATION: off = never register (Connect set up by hand, or polling only). */
  registerConnect: boolean;
  logger: Logger;
  now: () => number;
}

/** The JSON SIM events the gateway turns into unified events (src/events/event-types.ts). */
export const CONNECT_EVENTS = [
  'envelope-sent',
  'envelope-delivered',
  'envelope-completed',
  'envelope-declined',
  'envelope-voided',
  'recipient-sent',
  'recipient-delivered',
  'recipient-completed',
  'recipient-declined',
];

/** Where DocuSign publishes a connection's Connect messages. */
export function connectUrlOf(publicUrl: string, integratedAccountId: string): string {
  return `${publicUrl}/webhooks/docusign/${integratedAccountId}`;
}

/** A `connectCustomConfiguration` (spec field names; booleans are strings in the eSignature API). */
function configurationBody(row: IntegratedAccountRow, url: string): Record<string, unknown> {
  return {
    name: `Unified API gateway ${row.id}`,
    urlToPublishTo: url,
    configurationType: 'custom',
    allUsers: 'true',
    allowEnvelopePublish: 'true',
    enableLog: 'true',
    includeHMAC: 'true',
    requiresAcknowledgement: 'true',
    deliveryMode: 'SIM',
    events: CONNECT_EVENTS,
    eventData: { version: 'restv2.1', format: 'json', includeData: ['recipients', 'documents'] },
  };
}

interface ConnectConfigResults {
  configurations?: { connectId?: string; urlToPublishTo?: string }[];
}

/** Why the connection gets no Connect configuration at all, or null when it should have one per account. */
function refusal(deps: ConnectRegistrationDeps, row: IntegratedAccountRow): string | null {
  if (!deps.registerConnect) {
    return 'Connect registration is off (EVENTS_CONNECT_REGISTRATION=false); envelope status polling reports changes';
  }
  if (row.status !== 'active')
    return `The connection is ${row.status}; envelope status polling reports changes`;
  if (row.permission !== 'read_write') {
    return 'Read-only connection: the gateway registers DocuSign Connect only with read_write permission; envelope status polling reports changes';
  }
  // DocuSign publishes to https only ("You need to include HTTPS://", urlToPublishTo in the eSignature spec).
  const isDocusign = row.docusignEnvironment === 'demo' || row.docusignEnvironment === 'production';
  if (isDocusign && !deps.publicUrl.startsWith('https://')) {
    return `PUBLIC_URL (${deps.publicUrl}) is not an https URL DocuSign Connect can publish to; envelope status polling reports changes`;
  }
  return null;
}

/** Creates the configuration on one account, or adopts the one already publishing to our URL (a lost answer). */
async function register(
  deps: ConnectRegistrationDeps,
  row: IntegratedAccountRow,
  account: DiscoveredAccount,
): Promise<string> {
  const base = `${esignatureBase({ baseUri: account.base_uri, accountId: account.id })}/connect`;
  const url = connectUrlOf(deps.publicUrl, row.id);
  const call = { integratedAccountId: row.id, ...upstreamBudget(row, account) };
  const json = { accept: 'application/json', 'content-type': 'application/json' };
  const existing = await deps.upstream.json<ConnectConfigResults>({
    ...call,
    method: 'GET',
    url: base,
    headers: { accept: 'application/json' },
  });
  const found = existing.configurations?.find((c) => c.urlToPublishTo === url && c.connectId);
  const body = configurationBody(row, url);
  if (found?.connectId) {
    await deps.upstream.json({
      ...call,
      method: 'PUT',
      url: base,
      headers: json,
      body: JSON.stringify({ ...body, connectId: found.connectId }),
    });
    return found.connectId;
  }
  const created = await deps.upstream.json<{ connectId?: string }>({
    ...call,
    method: 'POST',
    url: base,
    headers: json,
    body: JSON.stringify(body),
  });
  if (!created.connectId) throw new Error('DocuSign returned no connectId');
  return created.connectId;
}

/** Removes one configuration; true when it is gone (also when DocuSign no longer knows it). */
async function unregister(
  deps: ConnectRegistrationDeps,
  row: IntegratedAccountRow,
  registered: RegisteredConnectConfiguration,
): Promise<boolean> {
  const account = row.accounts.find((a) => a.id === registered.account_id);
  if (!account) return true;
  const base = esignatureBase({ baseUri: account.base_uri, accountId: account.id });
  try {
    const res = await deps.upstream.request({
      integratedAccountId: row.id,
      ...upstreamBudget(row, account),
      method: 'DELETE',
      url: `${base}/connect/${encodeURIComponent(registered.connect_id)}`,
    });
    await res.body?.cancel();
    // A 4xx other than auth/rate limits means DocuSign has no such configuration (removed in its console).
    if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 429)) {
      return true;
    }
    throw new Error(`DocuSign answered ${res.status}`);
  } catch (error) {
    deps.logger.warn('could not remove the Connect configuration', {
      integrated_account_id: row.id,
      account_id: registered.account_id,
      connect_id: registered.connect_id,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Brings the connection's Connect configurations in line with what it should have (one per covered account when
 * registration applies, none otherwise) and records `events_mode` / `events_reason`. Never throws for DocuSign's
 * refusals: they become the reason.
 */
export async function syncConnectRegistration(
  deps: ConnectRegistrationDeps,
  row: IntegratedAccountRow,
): Promise<IntegratedAccountRow> {
  const refused = refusal(deps, row);
  const wanted = refused ? [] : coveredAccounts(row);
  const kept: RegisteredConnectConfiguration[] = [];
  const failures: string[] = [];
  for (const registered of row.connectConfigurations) {
    if (wanted.some((a) => a.id === registered.account_id)) kept.push(registered);
    else if (!(await unregister(deps, row, registered))) kept.push(registered); // try again on the next change
  }
  for (const account of wanted) {
    if (kept.some((r) => r.account_id === account.id)) continue;
    try {
      kept.push({ account_id: account.id, connect_id: await register(deps, row, account) });
    } catch (error) {
      failures.push(`account ${account.id}: ${messageOf(error)}`);
    }
  }
  const onConnect = !refused && failures.length === 0 && wanted.length > 0;
  const reason =
    refused ??
    (failures.length > 0
      ? `DocuSign did not accept the Connect configuration (${failures.join('; ')}); envelope status polling reports changes`
      : wanted.length === 0
        ? 'The connection covers no DocuSign account; nothing to register'
        : null);
  const [updated] = await deps.db
    .update(integratedAccounts)
    .set({
      eventsMode: onConnect ? 'connect' : 'polling',
      eventsReason: reason,
      connectConfigurations: kept,
      updatedAt: new Date(deps.now()),
    })
    .where(eq(integratedAccounts.id, row.id))
    .returning();
  deps.accounts.forget(row.id);
  return updated ?? row;
}

/** Removes every configuration the gateway registered for a connection that is going away (best effort, logged). */
export async function removeConnectRegistration(
  deps: ConnectRegistrationDeps,
  row: IntegratedAccountRow,
): Promise<void> {
  for (const registered of row.connectConfigurations) await unregister(deps, row, registered);
}
