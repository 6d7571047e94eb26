import type { z } from '@hono/zod-openapi';
import type { IntegratedAccountSchema } from '../../src/connections/integrated-accounts';
import type { ErrorBody } from '../../src/http/errors';
import type { UserSchema } from '../../src/routes/unified/user-directory';

export type { ErrorBody };
/** Response bodies typed from the route schemas, for `json<T>(res)`. */
export type IntegratedAccount = z.infer<typeof IntegratedAccountSchema>;
export type User = z.infer<typeof UserSchema>;
/** A list answer (DESIGN.md §3). */
export interface Page<T> {
  result: T[];
  next_cursor: string | null;
  result_count: number;
}

/**
 * Reads a response body as JSON, typed as `T`: name the route's body type (`json<IntegratedAccount>(res)`,
 * `json<ErrorBody>(res)`). Not validated: the assertions check it. Without `T` the body is `any`, for older tests
 * that walk arbitrary shapes; new tests should name a type.
 */
// biome-ignore lint/suspicious/noExplicitAny: the default keeps older untyped assertions compiling; new tests pass T.
export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** The `error` object of an error response. */
export async function errorOf(res: Response): Promise<ErrorBody['error']> {
  return (await json<ErrorBody>(res)).error;
}
