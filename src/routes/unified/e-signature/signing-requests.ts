/**
 * `/unified/e-signature/signing-requests` (DocuSign envelopes) and `/unified/e-signature/signing-request-statuses`.
 * Routes parse, authorize and call one domain function (src/e-signature); the DocuSign requests themselves are in
 * mappings/docusign/e-signature/signing-requests.yaml.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DEFAULT_WINDOW_DAYS } from '../../../e-signature/list-window';
import { downloadSigningRequestDocument } from '../../../e-signature/signing-request-download';
import {
  actOnSigningRequest,
  addParticipants,
  createSigningRequest,
  deleteSigningRequest,
  editUrl,
  embedUrl,
  getSigningRequest,
  listSigningRequests,
  removeParticipant,
  type Target,
  updateParticipant,
  updateSigningRequest,
} from '../../../e-signature/signing-requests';
import type { GatewayEnv } from '../../../http/context';
import { errorResponses, type Router } from '../../../http/openapi';
import { takeResponseHeaders } from '../../../http/response-headers';
import { type NodeBodyPassage, NodeStreamBody, respondWithNodeBody } from '../../../upstream/node-body';
import type { UnifiedRouteDeps } from '../deps';
import {
  CommonQuery,
  IdempotencyHeader,
  IdParams,
  ListQuery,
  type ObjectSchema,
  orRaw,
  registerUnifiedResource,
  resolveCaller,
} from '../resource';
import {
  AddParticipantsSchema,
  CreateSigningRequestSchema,
  EditUrlInputSchema,
  EditUrlSchema,
  EmbedUrlInputSchema,
  EmbedUrlSchema,
  SigningRequestSchema,
  SigningRequestStatusSchema,
  UpdateParticipantSchema,
  UpdateSigningRequestSchema,
  VoidSchema,
} from './signing-request-schemas';

const BASE = '/unified/e-signature/signing-requests';
const TAGS = ['E-Signature: Signing requests'];
const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

const ParticipantParams = IdParams.extend({
  participant_id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'participant_id', in: 'path' } }),
});

/** The unified status values a caller may filter on, read from the one status map. */
function filterableStatuses(deps: UnifiedRouteDeps): [string, ...string[]] {
  const named = deps.catalog.definition('e-signature', 'signing-request-statuses').enums?.status;
  const values = Object.keys(named?.values ?? {}).filter((v) => v !== named?.default);
  return values.length > 0 ? (values as [string, ...string[]]) : ['created'];
}

const LIST_DESCRIPTION = `DocuSign envelopes of the connection's account(s), newest first.

DocuSign's envelope list needs a date window and filters one date at a time: \`created_after\`/\`created_before\`
filter on creation, \`updated_after\` on the last status change. **Without any of them the window is the last
${DEFAULT_WINDOW_DAYS} days of changes, from 00:00 UTC.** Drafts appear only with \`status=created\`.
\`collection_id\` is a DocuSign folder id (or \`sentitems\`, \`draft\`, \`inbox\`, …). \`search\` is DocuSign's
free-text search (subject, and what DocuSign indexes). \`participant_email\` narrows with the same search and keeps only
requests with a participant of that email (pages may then hold fewer than \`limit\` records; follow \`next_cursor\`).
There is no template filter: DocuSign's envelope list cannot filter by template.`;

type Handler = (c: Context<GatewayEnv>) => Promise<Response>;

interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  params?: ObjectSchema;
  query?: ObjectSchema;
  body?: z.ZodType;
  response: {
    status: 200 | 201;
    schema?: z.ZodType;
    description?: string;
    content?: Record<string, unknown>;
  };
  write: boolean;
}

function register(app: Router, spec: RouteSpec, handler: Handler): void {
  app.openapi(
    createRoute({
      method: spec.method,
      path: spec.path,
      operationId: spec.operationId,
      tags: TAGS,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        query: spec.query ?? CommonQuery,
        ...(spec.write ? { headers: IdempotencyHeader } : {}),
        ...(spec.body ? { body: { content: json(spec.body), required: true } } : {}),
      },
      responses: {
        [spec.response.status]: {
          description: spec.response.description ?? spec.summary,
          // A signing request, or DocuSign's envelope with response_format=raw; other schemas are as declared.
          content: spec.response.content ?? json(spec.response.schema ?? orRaw(SigningRequestSchema)),
        },
        ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
      },
    }),
    // One handler shape for every route here; zod has validated params, query and body before it runs.
    handler as never,
  );
}

/** Registers the signing-request and signing-request-status routes. */
export function registerSigningRequests(
  app: Router,
  deps: UnifiedRouteDeps,
  nodeBodies?: NodeBodyPassage,
): void {
  registerUnifiedResource(app, deps, {
    model: 'e-signature',
    resource: 'signing-request-statuses',
    title: 'Signing request statuses',
    schema: SigningRequestStatusSchema,
    list: { filters: z.object({}) },
    get: true,
  });

  const valid = <T>(c: Context<GatewayEnv>, part: 'query' | 'json') => c.req.valid(part as never) as T;
  const target = async (c: Context<GatewayEnv>, access: 'read' | 'write', what: string): Promise<Target> => {
    const q = valid<z.infer<typeof CommonQuery>>(c, 'query');
    return {
      caller: await resolveCaller(c, deps, q.integrated_account_id, access, `${what} (signing requests)`),
      accountId: q.account_id,
      output: { includeRemoteData: q.include_remote_data, raw: q.response_format === 'raw' },
    };
  };
  const id = (c: Context<GatewayEnv>) => c.req.param('id') as string;

  const ListFilters = ListQuery.extend({
    status: z.enum(filterableStatuses(deps)).optional().openapi({
      description: 'One unified status (see signing-request-statuses). Without it drafts are left out.',
    }),
    created_after: z.string().optional().openapi({ format: 'date-time' }),
    created_before: z.string().optional().openapi({ format: 'date-time' }),
    updated_after: z.string().optional().openapi({ format: 'date-time' }),
    collection_id: z
      .string()
      .optional()
      .openapi({ description: 'A DocuSign folder id (DocuSign folder_ids).' }),
    participant_email: z.email().optional(),
    search: z.string().min(1).optional(),
  });
  register(
    app,
    {
      method: 'get',
      path: BASE,
      operationId: 'listSigningRequests',
      summary: 'List signing requests',
      description: LIST_DESCRIPTION,
      query: ListFilters,
      response: {
        status: 200,
        schema: z
          .object({
            result: z.array(orRaw(SigningRequestSchema)),
            next_cursor: z.string().nullable(),
            result_count: z.number().int(),
          })
          .openapi('SigningRequestList'),
      },
      write: false,
    },
    async (c) => {
      const q = valid<z.infer<typeof ListFilters>>(c, 'query');
      const t = await target(c, 'read', 'listing');
      const page = await listSigningRequests(deps, t.caller, {
        query: q,
        limit: q.limit,
        cursor: q.cursor,
        accountId: q.account_id,
        output: t.output,
      });
      return c.json(page, 200);
    },
  );

  register(
    app,
    {
      method: 'get',
      path: `${BASE}/{id}`,
      operationId: 'getSigningRequest',
      summary: 'Get a signing request',
      description:
        'Participants in routing order with their own status and times, their fields, documents, template, collection and expiry.',
      params: IdParams,
      response: { status: 200 },
      write: false,
    },
    async (c) =>
      c.json((await getSigningRequest(deps, await target(c, 'read', 'reading'), id(c))) as object, 200),
  );

  register(
    app,
    {
      method: 'post',
      path: BASE,
      operationId: 'createSigningRequest',
      summary: 'Create a signing request',
      description:
        'From uploaded documents (base64) or from a template (`template_id`, participants fill `template_role`s and prefill fields by label). Participants with the same `routing_order` sign in parallel, higher orders after them. `send: false` (default) keeps a draft. On a sync-all connection pass `account_id`.',
      body: CreateSigningRequestSchema,
      response: { status: 201 },
      write: true,
    },
    async (c) => {
      const t = await target(c, 'write', 'creating');
      const body = valid<z.infer<typeof CreateSigningRequestSchema>>(c, 'json');
      return c.json((await createSigningRequest(deps, t, body)) as object, 201);
    },
  );

  register(
    app,
    {
      method: 'patch',
      path: `${BASE}/{id}`,
      operationId: 'updateSigningRequest',
      summary: 'Update a draft signing request',
      description:
        'Subject, message, expiry/reminders and existing participants of a draft; other states are a 409.',
      params: IdParams,
      body: UpdateSigningRequestSchema,
      response: { status: 200 },
      write: true,
    },
    async (c) => {
      const t = await target(c, 'write', 'updating');
      const body = valid<Record<string, unknown>>(c, 'json');
      return c.json((await updateSigningRequest(deps, t, id(c), body)) as object, 200);
    },
  );

  register(
    app,
    {
      method: 'delete',
      path: `${BASE}/{id}`,
      operationId: 'deleteSigningRequest',
      summary: 'Delete a draft signing request',
      description:
        'Only drafts can be deleted (DocuSign moves them to the recycle bin); anything else is a 409 pointing to `void`.',
      params: IdParams,
      response: { status: 200, schema: z.object({ id: z.string() }).openapi('DeletedSigningRequest') },
      write: true,
    },
    async (c) =>
      c.json((await deleteSigningRequest(deps, await target(c, 'write', 'deleting'), id(c))) as object, 200),
  );

  const action = (
    name: 'send' | 'void' | 'resend',
    summary: string,
    description: string,
    body?: ObjectSchema,
  ) =>
    register(
      app,
      {
        method: 'post',
        path: `${BASE}/{id}/${name}`,
        operationId: `${name}SigningRequest`,
        summary,
        description,
        params: IdParams,
        ...(body ? { body } : {}),
        response: { status: 200 },
        write: true,
      },
      async (c) => {
        const t = await target(c, 'write', name);
        const input = body ? valid<Record<string, unknown>>(c, 'json') : {};
        return c.json((await actOnSigningRequest(deps, t, id(c), name, input)) as object, 200);
      },
    );
  action('send', 'Send a draft signing request', 'Only drafts can be sent (409 otherwise).');
  action(
    'void',
    'Void a signing request',
    'Only requests out for signature (sent, delivered) can be voided; a completed, declined or voided one is a 409 saying so.',
    VoidSchema,
  );
  action(
    'resend',
    'Resend the notification emails',
    'To the participants whose turn it is (sent or delivered requests).',
  );

  register(
    app,
    {
      method: 'post',
      path: `${BASE}/{id}/embed-url`,
      operationId: 'createSigningRequestEmbedUrl',
      summary: 'Signing URL of an embedded participant',
      description:
        'For a participant created with `client_user_id`, while the request is out for signature. Open it in your app; DocuSign returns to `return_url` with `event=signing_complete` (or decline, …). The URL works once, for a few minutes.',
      params: IdParams,
      body: EmbedUrlInputSchema,
      response: { status: 200, schema: EmbedUrlSchema },
      write: true,
    },
    async (c) => {
      const t = await target(c, 'write', 'embedded signing');
      const body = valid<z.infer<typeof EmbedUrlInputSchema>>(c, 'json');
      return c.json(await embedUrl(deps, t, id(c), body), 200);
    },
  );

  register(
    app,
    {
      method: 'post',
      path: `${BASE}/{id}/edit-url`,
      operationId: 'createSigningRequestEditUrl',
      summary: 'Embedded sending or correction URL',
      description:
        'A draft opens DocuSign’s sender view (embedded sending); a request in flight its correction view.',
      params: IdParams,
      body: EditUrlInputSchema,
      response: { status: 200, schema: EditUrlSchema },
      write: true,
    },
    async (c) => {
      const t = await target(c, 'write', 'embedded editing');
      const body = valid<z.infer<typeof EditUrlInputSchema>>(c, 'json');
      return c.json(await editUrl(deps, t, id(c), body), 200);
    },
  );

  const DownloadQuery = CommonQuery.pick({ integrated_account_id: true, account_id: true }).extend({
    document: z
      .string()
      .regex(/^(combined|certificate|archive|\d+)$/, 'combined, certificate, archive or a document id')
      .default('combined')
      .openapi({
        description:
          '`combined` (all documents in one PDF), `certificate` (certificate of completion), `archive` (ZIP of the PDFs and the certificate) or a document id.',
      }),
  });
  register(
    app,
    {
      method: 'get',
      path: `${BASE}/{id}/download`,
      operationId: 'downloadSigningRequest',
      summary: 'Download documents',
      description:
        "Streams DocuSign's file with DocuSign's `content-type` and `content-disposition` (PDF, or ZIP for `archive`); the gateway never holds it whole.",
      params: IdParams,
      query: DownloadQuery,
      response: {
        status: 200,
        description: 'The file',
        content: {
          'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
          'application/zip': { schema: z.string().openapi({ format: 'binary' }) },
        },
      },
      write: false,
    },
    async (c) => {
      const q = valid<z.infer<typeof DownloadQuery>>(c, 'query');
      const caller = await resolveCaller(
        c,
        deps,
        q.integrated_account_id,
        'read',
        'downloading (signing requests)',
      );
      const writeNodeBody = nodeBodies?.writerFor(c.env);
      const file = await downloadSigningRequestDocument(
        deps,
        caller,
        { id: id(c), document: q.document, accountId: q.account_id },
        { nodeBody: writeNodeBody !== undefined },
      );
      if (file.body instanceof NodeStreamBody) {
        // A Node body is only asked for when there is a writer.
        const head = { status: 200, statusText: 'OK', headers: file.headers };
        return respondWithNodeBody(c, writeNodeBody!, head, file.body);
      }
      return new Response(file.body, {
        status: 200,
        headers: { ...file.headers, ...takeResponseHeaders(c) },
      });
    },
  );

  register(
    app,
    {
      method: 'post',
      path: `${BASE}/{id}/participants`,
      operationId: 'addSigningRequestParticipants',
      summary: 'Add participants',
      description:
        'To a draft or a request in flight (DocuSign recipients API). Answers with the signing request.',
      params: IdParams,
      body: AddParticipantsSchema,
      response: { status: 200 },
      write: true,
    },
    async (c) => {
      const t = await target(c, 'write', 'adding participants');
      const body = valid<z.infer<typeof AddParticipantsSchema>>(c, 'json');
      return c.json((await addParticipants(deps, t, id(c), body.participants)) as object, 200);
    },
  );

  register(
    app,
    {
      method: 'patch',
      path: `${BASE}/{id}/participants/{participant_id}`,
      operationId: 'updateSigningRequestParticipant',
      summary: 'Update a participant',
      description: 'Name, email, routing order or client_user_id of a participant who has not signed yet.',
      params: ParticipantParams,
      body: UpdateParticipantSchema,
      response: { status: 200 },
      write: true,
    },
    async (c) => {
      const t = await target(c, 'write', 'updating a participant');
      const body = valid<Record<string, unknown>>(c, 'json');
      const result = await updateParticipant(deps, t, id(c), c.req.param('participant_id') as string, body);
      return c.json(result as object, 200);
    },
  );

  register(
    app,
    {
      method: 'delete',
      path: `${BASE}/{id}/participants/{participant_id}`,
      operationId: 'deleteSigningRequestParticipant',
      summary: 'Remove a participant',
      description: 'From a draft or a request in flight. Answers with the signing request.',
      params: ParticipantParams,
      response: { status: 200 },
      write: true,
    },
    async (c) => {
      const t = await target(c, 'write', 'removing a participant');
      const result = await removeParticipant(deps, t, id(c), c.req.param('participant_id') as string);
      return c.json(result as object, 200);
    },
  );
}
