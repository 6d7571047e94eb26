/**
 * `/unified/e-signature/documents`: documents of a signing request or a template. A document is addressed by its
 * id with its parent in the query: `GET …/documents/{id}?signing_request_id=…` (or `template_id=…`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, type Router } from '../../../http/openapi';
import { addDocument, documentListSource, downloadDocument, getDocument } from '../../../unified/documents';
import { listUnified } from '../../../unified/execute';
import { parentAccountId } from '../../../unified/lookup';
import type { UnifiedRouteDeps } from '../deps';
import {
  CommonQuery,
  IdempotencyHeader,
  IdParams,
  ListQuery,
  orRaw,
  output,
  registerUnifiedResource,
  resolveCaller,
} from '../resource';
import { accountId, esignatureRecord } from './record-schema';

export const DocumentSchema = esignatureRecord({
  id: z.string(),
  name: z.string().nullable(),
  type: z.string().nullable().openapi({ description: "DocuSign's document type, e.g. content or summary." }),
  order: z.number().int().nullable(),
  page_count: z.number().int().nullable(),
  size_bytes: z.number().int().nullable(),
  is_included_in_download: z.boolean().nullable(),
  account_id: accountId,
}).openapi('Document', {
  example: {
    id: '1',
    name: 'NDA.pdf',
    type: 'content',
    order: 1,
    page_count: 2,
    size_bytes: null,
    is_included_in_download: true,
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

const DocumentList = z
  .object({
    result: z.array(orRaw(DocumentSchema)),
    next_cursor: z.string().nullable(),
    result_count: z.number().int(),
  })
  .openapi('DocumentList');

const Parent = z.object({
  signing_request_id: z
    .string()
    .min(1)
    .optional()
    .openapi({ description: 'The signing request (envelope).' }),
  template_id: z
    .string()
    .min(1)
    .optional()
    .openapi({ description: 'The template (instead of a signing request).' }),
});

const AddDocument = z
  .object({
    signing_request_id: z.string().min(1).openapi({ description: 'A draft signing request.' }),
    name: z.string().min(1).openapi({ example: 'Annex.pdf' }),
    content_base64: z.base64().min(1).openapi({ description: 'The file, base64.', example: 'JVBERi0xLjQK' }),
    file_extension: z.string().optional().openapi({ example: 'pdf' }),
    document_id: z
      .string()
      .regex(/^[1-9][0-9]{0,8}$/)
      .optional()
      .openapi({ description: 'Default: one more than the highest document id of the signing request.' }),
  })
  .openapi('AddDocument');

const tags = ['E-Signature: Documents'];
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/** Registers list, get, download, add and delete of `/unified/e-signature/documents`. */
export function registerDocuments(app: Router, deps: UnifiedRouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/e-signature/documents',
      operationId: 'listDocuments',
      tags,
      summary: 'List the documents of a signing request or a template',
      request: { query: ListQuery.extend(Parent.shape) },
      responses: {
        200: { description: 'One page', content: json(DocumentList) },
        ...errorResponses(400, 401, 403, 404, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const source = documentListSource(query);
      const who = await resolveCaller(c, deps, query.integrated_account_id, 'read', 'listing documents');
      const page = await listUnified(deps, who, {
        model: 'e-signature',
        resource: 'documents',
        method: source.method,
        filters: source.params,
        limit: query.limit,
        cursor: query.cursor,
        requestedAccountId: parentAccountId(who, query.account_id),
        output: output(query),
      });
      return c.json(page as z.infer<typeof DocumentList>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/e-signature/documents/{id}',
      operationId: 'getDocument',
      tags,
      summary: "Get one document's metadata",
      request: { params: IdParams, query: CommonQuery.extend(Parent.shape) },
      responses: {
        200: { description: 'The document', content: json(orRaw(DocumentSchema)) },
        ...errorResponses(400, 401, 403, 404, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const who = await resolveCaller(c, deps, query.integrated_account_id, 'read', 'get on documents');
      const document = await getDocument(deps, who, {
        id: c.req.valid('param').id,
        parent: query,
        requestedAccountId: query.account_id,
        output: output(query),
      });
      return c.json(document as z.infer<typeof DocumentSchema>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/unified/e-signature/documents/{id}/download',
      operationId: 'downloadDocument',
      tags,
      summary: 'Download a document of a signing request or a template',
      description:
        "Streams the file as DocuSign sends it, with DocuSign's content-type and content-disposition. The special " +
        'ids `combined` (all documents in one PDF), `archive` (a ZIP) and `certificate` work as in DocuSign.',
      request: {
        params: IdParams,
        query: CommonQuery.pick({ integrated_account_id: true, account_id: true }).extend(Parent.shape),
      },
      responses: {
        200: {
          description: 'The file',
          content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        ...errorResponses(400, 401, 403, 404, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const who = await resolveCaller(c, deps, query.integrated_account_id, 'read', 'download on documents');
      return downloadDocument(deps, who, {
        id: c.req.valid('param').id,
        parent: query,
        requestedAccountId: query.account_id,
        signal: c.req.raw.signal,
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/unified/e-signature/documents',
      operationId: 'createDocument',
      tags,
      summary: 'Add a document to a draft signing request',
      description: 'DocuSign refuses for a signing request that is no longer a draft: 409 `conflict`.',
      request: {
        query: CommonQuery,
        headers: IdempotencyHeader,
        body: { content: json(AddDocument), required: true },
      },
      responses: {
        201: { description: 'The added document', content: json(orRaw(DocumentSchema)) },
        ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const who = await resolveCaller(c, deps, query.integrated_account_id, 'write', 'create on documents', {
        requested: query.account_id,
      });
      const document = await addDocument(deps, who, {
        params: c.req.valid('json'),
        requestedAccountId: query.account_id,
        output: output(query),
      });
      return c.json(document as z.infer<typeof DocumentSchema>, 201);
    },
  );

  // Delete is one mapped request; the generic resource route serves it (409 when the envelope is not a draft).
  registerUnifiedResource(app, deps, {
    model: 'e-signature',
    resource: 'documents',
    title: 'Documents',
    schema: DocumentSchema,
    delete: true,
    writesNeedAccountId: true,
    parentQuery: z.object({ signing_request_id: z.string().min(1) }),
  });
}
