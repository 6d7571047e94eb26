import { createRoute, z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '../events/event-types';
import { errorResponses, type Router } from '../http/openapi';
import { listDeliveries, redeliver } from '../webhooks/deliveries';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  presentSubscription,
  rotateSubscriptionSecret,
  type SubscriptionsContext,
  updateSubscription,
} from '../webhooks/subscriptions';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const pathParam = (name: string) =>
  z
    .string()
    .min(1)
    .openapi({ param: { name, in: 'path' } });
const IdParams = z.object({ id: pathParam('id') });

const EventTypeSchema = z.enum(EVENT_TYPES).openapi('WebhookEventType');

const WebhookSubscriptionSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()).openapi({ description: 'Event types sent; empty = all.' }),
    integrated_account_ids: z
      .array(z.string())
      .openapi({ description: 'Connections whose events are sent; empty = all.' }),
    status: z.enum(['active', 'failing', 'disabled']).openapi({
      description:
        '`failing` after 5 failed attempts in a row (deliveries keep being retried); `disabled` pauses it.',
    }),
    consecutive_failures: z.number().int(),
    last_failure_at: z.string().nullable(),
    last_success_at: z.string().nullable(),
    previous_secret_expires_at: z
      .string()
      .nullable()
      .openapi({ description: 'After a rotation, the old secret also signs until then.' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookSubscription');

const WithSecretSchema = WebhookSubscriptionSchema.extend({
  secret: z.string().openapi({ description: 'The signing secret (`whsec_…`), shown only in this response.' }),
}).openapi('WebhookSubscriptionWithSecret');

const CreateSchema = z
  .object({
    url: z.string().min(1).max(2048).openapi({ example: 'https://example.com/webhooks/docusign' }),
    description: z.string().max(500).nullable().optional(),
    event_types: z.array(EventTypeSchema).optional(),
    integrated_account_ids: z.array(z.string().min(1)).optional(),
  })
  .openapi('CreateWebhookSubscription');

const UpdateSchema = CreateSchema.partial()
  .extend({
    status: z
      .enum(['active', 'disabled'])
      .optional()
      .openapi({ description: '`disabled` pauses deliveries.' }),
  })
  .openapi('UpdateWebhookSubscription');

const RotateSchema = z
  .object({
    previous_secret_valid_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(86_400)
      .openapi({
        description: 'How long the old secret keeps signing too (default 24 h; 0 = stop at once).',
      }),
  })
  .openapi('RotateWebhookSecret');

const ListSchema = z
  .object({
    result: z.array(WebhookSubscriptionSchema),
    next_cursor: z.null(),
    result_count: z.number().int(),
  })
  .openapi('WebhookSubscriptionList');

const DeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string().openapi({ description: 'Also the `webhook-id` header of every attempt.' }),
    event_type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        started_at: z.string(),
        duration_ms: z.number().int(),
        response_status: z.number().int().nullable(),
        error: z.string().nullable(),
      }),
    ),
    next_attempt_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('WebhookDelivery');

const DeliveryListSchema = z
  .object({
    result: z.array(DeliverySchema),
    next_cursor: z.string().nullable(),
    result_count: z.number().int(),
  })
  .openapi('WebhookDeliveryList');

const DeliveryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).optional().openapi({ description: '`next_cursor` of the previous page.' }),
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
});

const tags = ['Webhooks'];
const routes = {
  create: createRoute({
    method: 'post',
    path: '/webhook-subscriptions',
    operationId: 'createWebhookSubscription',
    tags,
    summary: 'Subscribe a URL to events; the signing secret is returned once',
    request: { body: { content: json(CreateSchema), required: true } },
    responses: {
      201: { description: 'Created', content: json(WithSecretSchema) },
      ...errorResponses(400, 401),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/webhook-subscriptions',
    operationId: 'listWebhookSubscriptions',
    tags,
    summary: 'List subscriptions',
    responses: { 200: { description: 'Subscriptions', content: json(ListSchema) }, ...errorResponses(401) },
  }),
  get: createRoute({
    method: 'get',
    path: '/webhook-subscriptions/{id}',
    operationId: 'getWebhookSubscription',
    tags,
    summary: 'Get a subscription',
    request: { params: IdParams },
    responses: {
      200: { description: 'The subscription', content: json(WebhookSubscriptionSchema) },
      ...errorResponses(401, 404),
    },
  }),
  update: createRoute({
    method: 'patch',
    path: '/webhook-subscriptions/{id}',
    operationId: 'updateWebhookSubscription',
    tags,
    summary: 'Change url, filters or description; pause or resume',
    request: { params: IdParams, body: { content: json(UpdateSchema), required: true } },
    responses: {
      200: { description: 'Updated', content: json(WebhookSubscriptionSchema) },
      ...errorResponses(400, 401, 404),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/webhook-subscriptions/{id}',
    operationId: 'deleteWebhookSubscription',
    tags,
    summary: 'Delete a subscription and its pending deliveries',
    request: { params: IdParams },
    responses: {
      200: {
        description: 'Deleted',
        content: json(z.object({ id: z.string() }).openapi('DeletedWebhookSubscription')),
      },
      ...errorResponses(401, 404),
    },
  }),
  rotate: createRoute({
    method: 'post',
    path: '/webhook-subscriptions/{id}/rotate-secret',
    operationId: 'rotateWebhookSubscriptionSecret',
    tags,
    summary: 'New signing secret (returned once); the old one keeps signing for a while',
    request: { params: IdParams, body: { content: json(RotateSchema), required: false } },
    responses: {
      200: { description: 'Rotated', content: json(WithSecretSchema) },
      ...errorResponses(400, 401, 404),
    },
  }),
  deliveries: createRoute({
    method: 'get',
    path: '/webhook-subscriptions/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    tags,
    summary: 'Delivery log: one entry per event, with every attempt (newest first)',
    request: { params: IdParams, query: DeliveryQuery },
    responses: {
      200: { description: 'A page', content: json(DeliveryListSchema) },
      ...errorResponses(400, 401, 404),
    },
  }),
  redeliver: createRoute({
    method: 'post',
    path: '/webhook-subscriptions/{id}/deliveries/{delivery_id}/redeliver',
    operationId: 'redeliverWebhookDelivery',
    tags,
    summary: 'Send a delivery again (due now, with a fresh 24 h retry window)',
    request: { params: z.object({ id: pathParam('id'), delivery_id: pathParam('delivery_id') }) },
    responses: {
      202: { description: 'Queued', content: json(z.object({ id: z.string() }).openapi('RedeliveryQueued')) },
      ...errorResponses(401, 404),
    },
  }),
};

/** The webhook subscriptions API (outbound, Standard Webhooks). */
export function registerWebhookSubscriptions(
  app: Router,
  ctx: SubscriptionsContext & { retryWindowMs: number },
): void {
  app.openapi(routes.create, async (c) => {
    const { row, secret } = await createSubscription(ctx, c.get('auth').environmentId, c.req.valid('json'));
    return c.json({ ...presentSubscription(row), secret }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const rows = await listSubscriptions(ctx.db, c.get('auth').environmentId);
    return c.json(
      { result: rows.map(presentSubscription), next_cursor: null, result_count: rows.length },
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    const row = await getSubscription(ctx.db, c.get('auth').environmentId, c.req.valid('param').id);
    return c.json(presentSubscription(row), 200);
  });

  app.openapi(routes.update, async (c) => {
    const row = await updateSubscription(
      ctx,
      c.get('auth').environmentId,
      c.req.valid('param').id,
      c.req.valid('json'),
    );
    return c.json(presentSubscription(row), 200);
  });

  app.openapi(routes.remove, async (c) => {
    const id = await deleteSubscription(ctx.db, c.get('auth').environmentId, c.req.valid('param').id);
    return c.json({ id }, 200);
  });

  app.openapi(routes.rotate, async (c) => {
    // The body is optional: without one, the old secret keeps signing for the default 24 h.
    const body = c.req.valid('json') as z.infer<typeof RotateSchema> | undefined;
    const previous_secret_valid_seconds = body?.previous_secret_valid_seconds ?? 86_400;
    const { row, secret } = await rotateSubscriptionSecret(
      ctx,
      c.get('auth').environmentId,
      c.req.valid('param').id,
      previous_secret_valid_seconds,
    );
    return c.json({ ...presentSubscription(row), secret }, 200);
  });

  app.openapi(routes.deliveries, async (c) => {
    const row = await getSubscription(ctx.db, c.get('auth').environmentId, c.req.valid('param').id);
    const query = c.req.valid('query');
    return c.json(
      await listDeliveries(ctx.db, row.id, {
        limit: query.limit,
        status: query.status,
        before: query.cursor,
      }),
      200,
    );
  });

  app.openapi(routes.redeliver, async (c) => {
    const { id, delivery_id } = c.req.valid('param');
    const row = await getSubscription(ctx.db, c.get('auth').environmentId, id);
    const queued = await redeliver(ctx.db, row.id, delivery_id, {
      now: ctx.now(),
      windowMs: ctx.retryWindowMs,
    });
    return c.json({ id: queued }, 202);
  });
}
