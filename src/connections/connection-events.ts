import type { Database } from '../db/client';
import { events } from '../db/schema/index';
import { type IntegratedAccountRow, presentIntegratedAccount } from './integrated-accounts';

/**
 * Appends `integrated_account.active` (connected or re-authorized) or `.deleted` to the events the webhooks outbox
 * delivers; `data.integrated_account` is the connection as the API shows it. (`needs_reauth` comes from the token
 * manager.)
 */
export async function recordConnectionEvent(
  db: Pick<Database, 'insert'>,
  row: IntegratedAccountRow,
  type: 'integrated_account.active' | 'integrated_account.deleted',
): Promise<void> {
  await db.insert(events).values({
    id: `evt_${crypto.randomUUID().replaceAll('-', '')}`,
    environmentId: row.environmentId,
    type,
    integratedAccountId: row.id,
    payload: { integrated_account: presentIntegratedAccount(row) },
    streamKey: `integrated_account:${row.id}`,
  });
}
