import { createRoute, z } from '@hono/zod-openapi';
import { connectUrlOf } from '../connections/connect-registration';
import { getIntegratedAccount } from '../connections/integrated-accounts';
import { receiveConnectMessage } from '../events/connect-inbound';
import { addConnectKey, listConnectKeys, removeConnectKey } from '../events/connect-keys';
import type { EventsContext } from '../events/context';
import { errorResponses, type Router } from '../http/openapi';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const pathParam = (name: string) =>
  z
    .string()
    .min(1)
    .openapi({ param: { name, in: 'path' } });

const ConnectReceiptSchema = z
  .object({ received: z.literal(true), stored: z.number().int() })
  .openapi('ConnectReceipt');

const ConnectKeySchema = z
  .object({
    id: z.string(),
    hint: z.string().openapi({ description: 'Last four characters of the key.' }),
    created_at: z.string(),
  })
  .openapi('ConnectKey');

const ConnectKeyListSchema = z
  .object({
    result: z.array(ConnectKeySchema),
    connect_url: z
      .string()
      .openapi({ description: 'The URL to enter as the Connect configuration’s "URL to publish".' }),
  })
  .openapi('ConnectKeyList');

const AddConnectKeySchema = z
  .object({
    key: z.string().min(16).max(512).openapi({
      description: 'A Connect HMAC key from DocuSign (Settings → Connect → Connect Keys).',
    }),
  })
  .openapi('AddConnectKey');

const routes = {
  inbound: createRoute({
    method: 'post',
    path: '/webhooks/docusign/{integrated_account_id}',
    operationId: 'receiveDocusignConnect',
    tags: ['Events'],
    summary: 'DocuSign Connect in (JSON SIM, HMAC-signed); no API key',
    security: [],
    request: { params: z.object({ integrated_account_id: pathParam('integrated_account_id') }) },
    responses: {
      200: { description: 'Stored (or a redelivery, stored before)', content: json(ConnectReceiptSchema) },
      ...errorResponses(400, 401, 404, 413),
    },
  }),
  listKeys: createRoute({
    method: 'get',
    path: '/integrated-accounts/{id}/connect-keys',
    operationId: 'listConnectKeys',
    tags: ['Events'],
    summary: 'List the Connect HMAC keys of a connection (no key material)',
    request: { params: z.object({ id: pathParam('id') }) },
    responses: {
      200: { description: 'Keys', content: json(ConnectKeyListSchema) },
      ...errorResponses(401, 404),
    },
  }),
  addKey: createRoute({
    method: 'post',
    path: '/integrated-accounts/{id}/connect-keys',
    operationId: 'createConnectKey',
    tags: ['Events'],
    summary: 'Add a Connect HMAC key (rotation: add the new key, then remove the old one)',
    request: {
      params: z.object({ id: pathParam('id') }),
      body: { content: json(AddConnectKeySchema), required: true },
    },
    responses: {
      201: { description: 'Added', content: json(ConnectKeySchema) },
      ...errorResponses(400, 401, 404, 409),
    },
  }),
  removeKey: createRoute({
    method: 'delete',
    path: '/integrated-accounts/{id}/connect-keys/{key_id}',
    operationId: 'deleteConnectKey',
    tags: ['Events'],
    summary: 'Remove a Connect HMAC key',
    request: { params: z.object({ id: pathParam('id'), key_id: pathParam('key_id') }) },
    responses: {
      200: {
        description: 'Removed',
        content: json(z.object({ id: z.string() }).openapi('RemovedConnectKey')),
      },
      ...errorResponses(401, 404),
    },
  }),
};

/** DocuSign Connect: the public inbound endpoint and the per-connection HMAC keys it verifies with. */
export function registerDocusignConnect(app: Router, ctx: EventsContext, publicUrl: string): void {
  app.openapi(routes.inbound, async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const receipt = await receiveConnectMessage(
      ctx,
      c.req.valid('param').integrated_account_id,
      c.req.raw.headers,
      body,
    );
    return c.json({ received: true as const, stored: receipt.stored }, 200);
  });

  app.openapi(routes.listKeys, async (c) => {
    const row = await getIntegratedAccount(ctx.db, c.get('auth').environmentId, c.req.valid('param').id);
    return c.json(
      {
        result: await listConnectKeys(ctx.db, row.id),
        connect_url: connectUrlOf(publicUrl, row.id),
      },
      200,
    );
  });

  app.openapi(routes.addKey, async (c) => {
    const row = await getIntegratedAccount(ctx.db, c.get('auth').environmentId, c.req.valid('param').id);
    return c.json(await addConnectKey(ctx, row.id, c.req.valid('json').key), 201);
  });

  app.openapi(routes.removeKey, async (c) => {
    const { id, key_id } = c.req.valid('param');
    const row = await getIntegratedAccount(ctx.db, c.get('auth').environmentId, id);
    return c.json({ id: await removeConnectKey(ctx, row.id, key_id) }, 200);
  });
}
