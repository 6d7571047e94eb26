/**
 * `/unified/e-signature/document-fields`: the fields (DocuSign tabs) of a signing request as one flat list across
 * DocuSign's tab kinds. A field is addressed by its id with `signing_request_id` in the query.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, type Router } from '../../../http/openapi';
import {
  deleteDocumentField,
  documentFieldListMethod,
  getDocumentField,
  updateDocumentField,
} from '../../../unified/document-fields';
import { listUnified, runUnified } from '../../../unified/execute';
import { parentAccountId } from '../../../unified/lookup';
import type { UnifiedRouteDeps } from '../deps';
import {
  CommonQuery,
  IdempotencyHeader,
  IdParams,
  ListQuery,
  orRaw,
  output,
  resolveCaller,
} from '../resource';
import { accountId, esignatureRecord, IdRef } from './record-schema';

/** Unified field types; DocuSign kinds outside this list are `other` (their kind in `remote_type`). */
const FIELD_TYPES = [
  'signature',
  'initials',
  'full_name',
  'first_name',
  'last_name',
  'signing_date',
  'company',
  'title',
  'text',
  'email',
  'email_address',
  'checkbox',
  'radio',
  'list',
  'date',
  'number',
  'currency',
  'formula',
  'note',
  'ssn',
  'zip',
  'phone',
  'approve',
  'decline',
  'attachment',
  'signing_request_id',
  'view',
  'drawing',
  'other',
] as const;

/** Types a field can be created with (DocuSign kinds placed by position alone). */
const CREATABLE_TYPES = [
  'signature',
  'initials',
  'full_name',
  'first_name',
  'last_name',
  'signing_date',
  'company',
  'title',
  'text',
  'email',
  'email_address',
  'checkbox',
  'list',
  'date',
  'number',
  'note',
  'ssn',
  'zip',
] as const;

const Position = z.object({ x: z.number().nullable(), y: z.number().nullable() });

export const DocumentFieldSchema = esignatureRecord({
  id: z.string(),
  type: z.enum(FIELD_TYPES),
  remote_type: z
    .string()
    .nullable()
    .openapi({ description: "DocuSign's tab kind (tabType), e.g. signHere." }),
  label: z.string().nullable(),
  value: z.string().nullable().openapi({
    description: "The entered value; a checkbox's selected state; a radio group's selected radio value.",
  }),
  is_required: z.boolean().nullable(),
  is_read_only: z.boolean().nullable(),
  page_number: z.number().int().nullable(),
  position: Position,
  options: z
    .array(
      z.object({
        value: z.string().nullable(),
        label: z.string().nullable().optional(),
        is_selected: z.boolean().nullable(),
      }),
    )
    .nullable()
    .openapi({ description: 'The choices of a radio group or list field.' }),
  participant: IdRef.nullable(),
  document: IdRef.nullable(),
  account_id: accountId,
}).openapi('DocumentField', {
  example: {
    id: 'c3d4e5f6-0000-4000-8000-000000000002',
    type: 'text',
    remote_type: 'text',
    label: 'Company number',
    value: '12345',
    is_required: true,
    is_read_only: false,
    page_number: 1,
    position: { x: 120, y: 400 },
    options: null,
    participant: { id: '1' },
    document: { id: '1' },
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

const DocumentFieldList = z
  .object({
    result: z.array(orRaw(DocumentFieldSchema)),
    next_cursor: z.string().nullable(),
    result_count: z.number().int(),
  })
  .openapi('DocumentFieldList');

const InputPosition = z.object({ x: z.number().min(0), y: z.number().min(0) });

const CreateDocumentField = z
  .object({
    signing_request_id: z.string().min(1),
    participant: IdRef.openapi({ description: 'The participant (DocuSign recipient) who fills the field.' }),
    document: IdRef,
    type: z.enum(CREATABLE_TYPES),
    label: z.string().optional(),
    value: z.string().optional(),
    is_required: z.boolean().optional(),
    is_read_only: z.boolean().optional(),
    page_number: z.number().int().min(1).optional(),
    position: InputPosition.optional(),
  })
  .openapi('CreateDocumentField');

const UpdateDocumentField = z
  .object({
    value: z.string().optional(),
    label: z.string().optional(),
    is_required: z.boolean().optional(),
    is_read_only: z.boolean().optional(),
    page_number: z.number().int().min(1).optional(),
    position: InputPosition.optional(),
  })
  .openapi('UpdateDocumentField');

const ListFilters = z.object({
  signing_request_id: z.string().min(1),
  participant_id: z.string().min(1).optional(),
  document_id: z.string().min(1).optional(),
});
const FieldQuery = CommonQuery.extend({ signing_request_id: z.string().min(1) });

const tags = ['E-Signature: Document fields'];
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const errors = errorResponses(400, 401, 403, 404, 409, 429, 502, 503);
const BASE = '/unified/e-signature/document-fields';

/** Registers list, get, create, update and delete of `/unified/e-signature/document-fields`. */
export function registerDocumentFields(app: Router, deps: UnifiedRouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: BASE,
      operationId: 'listDocumentFields',
      tags,
      summary: 'List the fields of a signing request',
      request: { query: ListQuery.extend(ListFilters.shape) },
      responses: { 200: { description: 'One page', content: json(DocumentFieldList) }, ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const method = documentFieldListMethod(query);
      const who = await resolveCaller(
        c,
        deps,
        query.integrated_account_id,
        'read',
        'listing document-fields',
      );
      const filters = Object.fromEntries(
        (['signing_request_id', 'participant_id', 'document_id'] as const)
          .filter((name) => query[name] !== undefined)
          .map((name) => [name, query[name]]),
      );
      const page = await listUnified(deps, who, {
        model: 'e-signature',
        resource: 'document-fields',
        method,
        filters,
        limit: query.limit,
        cursor: query.cursor,
        requestedAccountId: parentAccountId(who, query.account_id),
        output: output(query),
      });
      return c.json(page as z.infer<typeof DocumentFieldList>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${BASE}/{id}`,
      operationId: 'getDocumentField',
      tags,
      summary: 'Get one field of a signing request',
      request: { params: IdParams, query: FieldQuery },
      responses: { 200: { description: 'The field', content: json(orRaw(DocumentFieldSchema)) }, ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const who = await resolveCaller(c, deps, query.integrated_account_id, 'read', 'get on document-fields');
      const field = await getDocumentField(deps, who, {
        id: c.req.valid('param').id,
        signingRequestId: query.signing_request_id,
        requestedAccountId: query.account_id,
        output: output(query),
      });
      return c.json(field as z.infer<typeof DocumentFieldSchema>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: BASE,
      operationId: 'createDocumentField',
      tags,
      summary: 'Place a field for a participant on a document',
      request: {
        query: CommonQuery,
        headers: IdempotencyHeader,
        body: { content: json(CreateDocumentField), required: true },
      },
      responses: {
        201: { description: 'The new field', content: json(orRaw(DocumentFieldSchema)) },
        ...errors,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const body = c.req.valid('json');
      const who = await resolveCaller(
        c,
        deps,
        query.integrated_account_id,
        'write',
        'create on document-fields',
        {
          requested: query.account_id,
        },
      );
      const field = await runUnified(deps, who, {
        model: 'e-signature',
        resource: 'document-fields',
        method: 'create',
        params: { ...body, participant_id: body.participant.id },
        requestedAccountId: query.account_id,
        output: output(query),
      });
      return c.json(field as z.infer<typeof DocumentFieldSchema>, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: `${BASE}/{id}`,
      operationId: 'updateDocumentField',
      tags,
      summary: 'Update a field (its value, label, flags or placement)',
      request: {
        params: IdParams,
        query: FieldQuery,
        headers: IdempotencyHeader,
        body: { content: json(UpdateDocumentField), required: true },
      },
      responses: { 200: { description: 'The field', content: json(orRaw(DocumentFieldSchema)) }, ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const who = await resolveCaller(
        c,
        deps,
        query.integrated_account_id,
        'write',
        'update on document-fields',
        {
          requested: query.account_id,
        },
      );
      const field = await updateDocumentField(deps, who, {
        id: c.req.valid('param').id,
        signingRequestId: query.signing_request_id,
        requestedAccountId: query.account_id,
        changes: c.req.valid('json'),
        output: output(query),
      });
      return c.json(field as z.infer<typeof DocumentFieldSchema>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${BASE}/{id}`,
      operationId: 'deleteDocumentField',
      tags,
      summary: 'Delete a field',
      request: { params: IdParams, query: FieldQuery, headers: IdempotencyHeader },
      responses: {
        200: { description: 'Deleted', content: json(orRaw(z.object({ id: z.string() }))) },
        ...errors,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const id = c.req.valid('param').id;
      const who = await resolveCaller(
        c,
        deps,
        query.integrated_account_id,
        'write',
        'delete on document-fields',
        {
          requested: query.account_id,
        },
      );
      const result = await deleteDocumentField(deps, who, {
        id,
        signingRequestId: query.signing_request_id,
        requestedAccountId: query.account_id,
        output: output(query),
      });
      if (query.response_format === 'raw') return c.json(result as { id: string }, 200);
      return c.json({ id }, 200);
    },
  );
}
