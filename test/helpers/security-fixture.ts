import { expect } from 'vitest';
import { createApiKey, ensureEnvironment } from '../../src/api-keys/api-keys';
import { type ConnectedApp, createConnectedApp } from './connected-app';
import { json } from './http';
import { type RouteOperation, type RouteTable, routeTable } from './route-table';

export interface SecurityFixture {
  t: ConnectedApp;
  table: RouteTable;
  /** A read_write and a read connection of the test environment. */
  readWrite: string;
  read: string;
  /** An API key of another environment. */
  otherKey: string;
}

/** A connected app with no practical rate limit, two connections, another environment's key, and its route table. */
export async function createSecurityFixture(): Promise<SecurityFixture> {
  const t = await createConnectedApp({
    app: { config: { rateLimit: { requests: 1_000_000, windowSeconds: 1 } } },
  });
  const readWrite = await t.connect({ permission: 'read_write' });
  const read = await t.connect({ permission: 'read' });
  await ensureEnvironment(t.db, 'env_other', 'other');
  const { key: otherKey } = await createApiKey(t.db, { environmentId: 'env_other', name: 'other' });
  const table = routeTable(await json(await t.app.request('/openapi.json')));
  return { t, table, readWrite, read, otherKey };
}

// Values for parameters whose name says what they are; anything else gets its schema's example.
const NAMED: Record<string, string> = {
  api: 'esignature',
  path: 'users',
  model: 'user-directory',
  resource: 'users',
  // documents are listed under a parent: one of the two is required.
  signing_request_id: 'sr-1',
};

/** Values for an operation's required parameters (and `integrated_account_id` always), naming `connection`. */
export function baselineValues(
  f: SecurityFixture,
  op: RouteOperation,
  connection: string,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const param of op.params) {
    if (param.in === 'header') continue;
    if (param.name === 'integrated_account_id') values[param.name] = connection;
    else if (param.name === 'id' && op.path.startsWith('/integrated-accounts/'))
      values[param.name] = connection;
    else if (NAMED[param.name] !== undefined) values[param.name] = NAMED[param.name]!;
    else if (param.required) values[param.name] = String(exampleOfParam(f, param.schema));
  }
  return values;
}

function exampleOfParam(f: SecurityFixture, schema: unknown): unknown {
  const resolved = f.table.resolve(schema);
  if (Array.isArray(resolved.enum)) return resolved.enum[0];
  if (resolved.type === 'integer' || resolved.type === 'number') return resolved.minimum ?? 1;
  return resolved.example ?? 'x';
}

/** Whether the operation names a connection (so another environment's key must not reach it). */
export function namesConnection(op: RouteOperation): boolean {
  return (
    op.params.some((p) => p.name === 'integrated_account_id') ||
    (op.path.startsWith('/integrated-accounts/{id}') && op.params.some((p) => p.name === 'id'))
  );
}

/**
 * Asserts a refusal: the status is one of `expected` (when given), never 5xx, documented by the operation, in the
 * one error shape, with an x-request-id that matches the body's request_id.
 */
export async function expectRefusal(
  res: Response,
  op: RouteOperation | null,
  expected?: number[],
): Promise<void> {
  const where = op ? op.label : 'route';
  const text = await res.text();
  expect(res.status, `${where}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (expected) expect(expected, `${where}: got ${res.status} ${text.slice(0, 300)}`).toContain(res.status);
  expect(res.status, `${where}: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  if (op) expect([...op.statuses], `${where} does not document ${res.status}`).toContain(res.status);
  const requestId = res.headers.get('x-request-id');
  expect(requestId, `${where}: x-request-id`).toBeTruthy();
  const body = JSON.parse(text);
  expect(body.error, `${where}: ${text.slice(0, 300)}`).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
    status: res.status,
    request_id: requestId,
  });
  expect(body.error.message.length, `${where}: message`).toBeGreaterThan(5);
}
