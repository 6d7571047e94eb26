import type { DiscoveredAccount } from '../db/schema/index';
import { ApiError } from '../http/errors';
import { coveredAccounts, type IntegratedAccountRow } from './integrated-accounts';

/**
 * The DocuSign account a call goes to: the requested one (it must be covered by the connection), else the
 * connection's single or default account.
 */
export function selectDocusignAccount(
  row: IntegratedAccountRow,
  requested: string | undefined,
): DiscoveredAccount {
  const covered = coveredAccounts(row);
  if (requested) {
    const match = covered.find((account) => account.id === requested);
    if (!match) {
      throw new ApiError(
        'invalid_request',
        `DocuSign account ${requested} is not covered by integrated account ${row.id}; covered: ${covered.map((a) => a.id).join(', ') || 'none'}`,
        { param: 'account_id' },
      );
    }
    return match;
  }
  const chosen = covered.find((account) => account.is_default) ?? covered[0];
  if (!chosen) {
    throw new ApiError(
      'conflict',
      `Integrated account ${row.id} has no usable DocuSign account; reauthorize it`,
      {
        status: row.status,
        last_error: row.lastError,
      },
    );
  }
  return chosen;
}
