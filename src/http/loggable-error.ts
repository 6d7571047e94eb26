import type { LogFields } from './logger';

/**
 * Log fields describing a thrown error without the data it carries. A database error names only the SQL error
 * code and the driver's message: drizzle's "Failed query" message lists the statement's parameters (metadata,
 * return URLs, sealed credentials), which must not reach the logs. Stacks keep their frames, not their message.
 */
export function loggableError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  if (isQueryError(error)) {
    const cause = databaseCause(error);
    return {
      error: 'database query failed',
      db_code: cause?.code,
      db_message: cause?.message,
      stack: framesOf(error),
    };
  }
  return { error: error.message, stack: framesOf(error) };
}

/** The message of `error` fit for a log line (a database error's code and driver message only). */
export function loggableMessage(error: unknown): string {
  const fields = loggableError(error);
  if (fields.db_code !== undefined || fields.db_message !== undefined) {
    return `database query failed: ${String(fields.db_code ?? '')} ${String(fields.db_message ?? '')}`.trim();
  }
  return String(fields.error);
}

function isQueryError(error: Error): boolean {
  return (
    error.name === 'DrizzleQueryError' ||
    error.message.startsWith('Failed query:') ||
    'params' in error ||
    'parameters' in error
  );
}

/** The innermost cause with a SQL state code (PGlite and postgres.js both set `code`). */
function databaseCause(error: Error): { code?: string; message: string } | undefined {
  let current: unknown = error.cause;
  let found: { code?: string; message: string } | undefined;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (!isQueryErrorMessage(current.message)) {
      found = { code: typeof code === 'string' ? code : undefined, message: current.message };
    }
    current = current.cause;
  }
  return found;
}

function isQueryErrorMessage(message: string): boolean {
  return message.startsWith('Failed query:');
}

function framesOf(error: Error): string | undefined {
  return error.stack
    ?.split('\n')
    .filter((line) => line.startsWith('    at '))
    .join('\n');
}
