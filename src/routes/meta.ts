import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, type Router } from '../http/openapi';

const MetaSchema = z
  .object({
    provider: z.literal('docusign'),
    models: z.array(
      z.object({
        name: z.string(),
        resources: z.array(z.object({ name: z.string(), methods: z.array(z.string()) })),
      }),
    ),
  })
  .openapi('Meta', {
    example: {
      provider: 'docusign',
      models: [
        {
          name: 'user-directory',
          resources: [{ name: 'users', methods: ['list', 'get', 'create', 'close'] }],
        },
      ],
    },
  });

const route = createRoute({
  method: 'get',
  path: '/meta',
  operationId: 'getMeta',
  tags: ['Meta'],
  summary: 'Unified models, resources and methods this gateway supports',
  responses: {
    200: { description: 'Supported models', content: { 'application/json': { schema: MetaSchema } } },
    ...errorResponses(401),
  },
});

type MethodName = string;

/** Derives `{model → resource → methods}` from the unified routes registered on the app. */
export function unifiedCatalog(app: Router): Map<string, Map<string, Set<MethodName>>> {
  const catalog = new Map<string, Map<string, Set<MethodName>>>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const { method, path } = definition.route;
    // `/unified/{model}/{resource}[/{id}][/{action or sub-collection}][/{sub_id}]`
    const match = /^\/unified\/([^/]+)\/([^/]+)(\/\{[^}]+\})?(?:\/([^/{}]+))?(\/\{[^}]+\})?$/.exec(path);
    if (!match) continue;
    const [, model, resource, idSegment, action, subId] = match as unknown as [
      string,
      string,
      string,
      string?,
      string?,
      string?,
    ];
    // A sub-collection's item routes are named after it: `participants.update`, `participants.delete`.
    const name =
      subId && action
        ? `${action}.${methodName(method, true)}`
        : (action ?? methodName(method, Boolean(idSegment)));
    const resources = catalog.get(model) ?? new Map<string, Set<MethodName>>();
    const methods = resources.get(resource) ?? new Set<MethodName>();
    methods.add(name);
    resources.set(resource, methods);
    catalog.set(model, resources);
  }
  return catalog;
}

function methodName(method: string, withId: boolean): MethodName {
  switch (method) {
    case 'get':
      return withId ? 'get' : 'list';
    case 'post':
      return 'create';
    case 'patch':
    case 'put':
      return 'update';
    case 'delete':
      return 'delete';
    default:
      return method;
  }
}

/** `GET /meta`, built from the route registry so it grows with every unified route. */
export function registerMeta(app: Router): void {
  app.openapi(route, (c) => {
    const models = [...unifiedCatalog(app)].map(([name, resources]) => ({
      name,
      resources: [...resources].map(([resource, methods]) => ({
        name: resource,
        methods: [...methods].sort(),
      })),
    }));
    return c.json({ provider: 'docusign' as const, models }, 200);
  });
}
