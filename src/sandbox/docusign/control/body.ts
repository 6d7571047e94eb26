/** Request-body parsing of the control API: zod-validated, errors in DocuSign's `{errorCode, message}` shape. */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { SimEnv } from '../context';
import { EsignError } from '../esignature/common';

/** Parses and validates a JSON body (an absent body counts as `{}`); a bad body is a 400 `SANDBOX_INVALID_REQUEST`. */
export async function controlBody<T extends z.ZodType>(c: Context<SimEnv>, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new EsignError('SANDBOX_INVALID_REQUEST', 'The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new EsignError('SANDBOX_INVALID_REQUEST', `${where}${issue?.message ?? 'invalid body'}`);
  }
  return parsed.data;
}
