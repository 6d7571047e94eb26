import { ApiError } from '../http/errors';
import type { IntegratedAccountRow } from './integrated-accounts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for methods that only read. */
export function isReadMethod(method: string): boolean {
  return READ_METHODS.has(method.toUpperCase());
}

/**
 * The one place write permission is enforced: writes and actions (unified or proxied) need a `read_write`
 * connection; a `read` connection gets 403 `forbidden`.
 */
export function assertPermission(row: IntegratedAccountRow, access: 'read' | 'write', what: string): void {
  if (access === 'write' && row.permission !== 'read_write') {
    throw new ApiError(
      'forbidden',
      `Integrated account ${row.id} has read permission; ${what} needs "read_write" (reconnect with "Read and take actions")`,
      { integrated_account_id: row.id, permission: row.permission, required: 'read_write' },
    );
  }
}
