/** Zod schemas of signing requests (requests and responses), named for the OpenAPI document. */
import { z } from '@hono/zod-openapi';

const dateTime = z.string().nullable().openapi({ format: 'date-time' });

const ROLES = [
  'signer',
  'cc',
  'certified_delivery',
  'in_person_signer',
  'agent',
  'editor',
  'intermediary',
  'witness',
] as const;

const FIELD_TYPES = [
  'signature',
  'initials',
  'signing_date',
  'full_name',
  'company',
  'title',
  'text',
  'email',
  'checkbox',
  'list',
  'date',
  'number',
] as const;

const Ref = (name: string) => z.object({ id: z.string(), name: z.string().nullable() }).openapi(name);

/**
 * A unified record: its documented fields and `remote_data` on request; closed (`additionalProperties: false`)
 * so a typo does not compile in a generated client. A field a mapping override adds is not listed: type it yourself
 * (README "Generating clients").
 */
function unifiedObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object({
      ...shape,
      remote_data: z
        .unknown()
        .optional()
        .openapi({ description: 'The DocuSign envelope, with include_remote_data=true.' }),
    })
    .strict();
}

export const SigningRequestFieldSchema = z
  .object({
    id: z.string().nullable(),
    type: z.string().openapi({ description: `One of ${FIELD_TYPES.join(', ')}, or other.` }),
    label: z.string().nullable(),
    value: z.union([z.string(), z.boolean()]).nullable().optional(),
    is_required: z.boolean().nullable().optional(),
    is_read_only: z.boolean().nullable().optional(),
    page_number: z.number().int().nullable(),
    document: z.object({ id: z.string() }).nullable(),
    position: z.object({ x: z.number().nullable(), y: z.number().nullable() }).nullable(),
  })
  .strict()
  .openapi('SigningRequestField');

export const SigningRequestParticipantSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    role: z.string().openapi({ description: `One of ${ROLES.join(', ')}, notary, seal, or other.` }),
    routing_order: z.number().int().nullable(),
    status: z.string().nullable().openapi({
      description:
        "The participant's own DocuSign status: created, sent, delivered, signed, declined, completed…",
    }),
    template_role: z.string().nullable(),
    client_user_id: z.string().nullable(),
    is_embedded: z.boolean(),
    sent_at: dateTime,
    delivered_at: dateTime,
    signed_at: dateTime,
    declined_at: dateTime,
    declined_reason: z.string().nullable(),
    fields: z.array(SigningRequestFieldSchema).optional().openapi({
      description: 'Signers only; on GET by id (DocuSign sends tabs with include=tabs).',
    }),
  })
  .strict()
  .openapi('SigningRequestParticipant');

export const SigningRequestStatusRefSchema = z
  .object({
    id: z.string().openapi({
      description: 'A signing-request-statuses id; `unknown` for a status DocuSign added later.',
    }),
    name: z.string(),
  })
  .openapi('SigningRequestStatusRef');

export const SigningRequestSchema = unifiedObject({
  id: z.string(),
  name: z.string().nullable().openapi({ description: 'The email subject.' }),
  message: z.string().nullable().openapi({ description: 'The email message.' }),
  status: SigningRequestStatusRefSchema,
  docusign_status: z.string().nullable(),
  participants: z.array(SigningRequestParticipantSchema).openapi({ description: 'In routing order.' }),
  current_routing_order: z.number().int().nullable(),
  template: z.object({ id: z.string().nullable() }).nullable(),
  documents: z
    .array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        type: z.string().nullable(),
        page_count: z.number().int().nullable(),
      }),
    )
    .nullable(),
  collection: Ref('SigningRequestCollectionRef').nullable(),
  sender: z
    .object({ id: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable() })
    .nullable(),
  expires_at: dateTime,
  sent_at: dateTime,
  delivered_at: dateTime,
  completed_at: dateTime,
  declined_at: dateTime,
  voided_at: dateTime,
  voided_reason: z.string().nullable(),
  status_changed_at: dateTime,
  created_at: dateTime,
  updated_at: dateTime,
  account_id: z.string(),
}).openapi('SigningRequest', {
  example: {
    id: '93be49ab-4f1c-4bb9-a7b0-5b2f1d1c7a10',
    name: 'Please sign: Mutual NDA',
    message: 'Hi Ada, here is the NDA we discussed.',
    status: { id: 'sent', name: 'sent' },
    docusign_status: 'sent',
    participants: [
      {
        id: '1',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        role: 'signer',
        routing_order: 1,
        status: 'sent',
        template_role: 'Signer',
        client_user_id: null,
        is_embedded: false,
        sent_at: '2026-11-20T09:12:00.000Z',
        delivered_at: null,
        signed_at: null,
        declined_at: null,
        declined_reason: null,
      },
    ],
    current_routing_order: 1,
    template: { id: '6d1b6a9e-2c4f-4b8e-9a57-1f0e2d3c4b5a' },
    documents: [{ id: '1', name: 'NDA.pdf', type: 'content', page_count: 2 }],
    collection: { id: '3a9c1f8e-0b7d-4e2a-8c65-4d1e9f0a2b3c', name: 'Sent Items' },
    sender: { id: '4f1c5b3e-7a2d-4c8e-9b6f-0d1e2f3a4b5c', name: 'Grace Hopper', email: 'grace@example.com' },
    expires_at: '2027-02-18T09:12:00.000Z',
    sent_at: '2026-11-20T09:12:00.000Z',
    delivered_at: null,
    completed_at: null,
    declined_at: null,
    voided_at: null,
    voided_reason: null,
    status_changed_at: '2026-11-20T09:12:00.000Z',
    created_at: '2026-11-20T09:11:58.000Z',
    updated_at: '2026-11-20T09:12:00.000Z',
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

export const SigningRequestStatusSchema = unifiedObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  docusign_statuses: z
    .array(z.string())
    .openapi({ description: 'The DocuSign envelope statuses behind it.' }),
  is_fallback: z
    .boolean()
    .openapi({ description: 'True for the status an unknown DocuSign status maps to.' }),
}).openapi('SigningRequestStatus', {
  example: {
    id: 'expired',
    name: 'expired',
    description: 'Expired before it was completed (DocuSign `timedout`).',
    docusign_statuses: ['timedout'],
    is_fallback: false,
  },
});

const FieldInputSchema = z
  .object({
    type: z.enum(FIELD_TYPES),
    label: z.string().optional().openapi({
      description: 'DocuSign tabLabel. From a template, a field with the same label (and type) is prefilled.',
    }),
    value: z.union([z.string(), z.number(), z.boolean()]).optional().openapi({
      description:
        'Prefilled value (checkbox: true/false; list: the option value; date: as the template expects).',
    }),
    document_id: z.string().optional(),
    page_number: z.number().int().min(1).optional(),
    position: z.object({ x: z.number(), y: z.number() }).optional().openapi({ description: 'In pixels.' }),
    anchor: z
      .object({ text: z.string().min(1), x_offset: z.number().optional(), y_offset: z.number().optional() })
      .optional()
      .openapi({ description: 'Place the field at this text in the document instead of at a position.' }),
    is_required: z.boolean().optional(),
    is_read_only: z.boolean().optional(),
  })
  .openapi('SigningRequestFieldInput');

const ParticipantInputSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'DocuSign recipientId; numbered 1, 2, … when omitted.' }),
    role: z.enum(ROLES).default('signer'),
    name: z.string().min(1),
    email: z.email(),
    routing_order: z.number().int().min(1).optional().openapi({
      description: 'Participants with the same order act in parallel, a higher order after them (default 1).',
    }),
    client_user_id: z.string().min(1).max(100).optional().openapi({
      description: 'Makes the participant embedded: they sign in your app through POST …/embed-url.',
    }),
    template_role: z.string().min(1).optional().openapi({ description: 'The template role they fill.' }),
    fields: z.array(FieldInputSchema).optional().openapi({
      description: 'Fields placed for them, or (from a template) prefilled by label.',
    }),
  })
  .openapi('SigningRequestParticipantInput');

const DocumentInputSchema = z
  .object({
    id: z.string().regex(/^\d+$/, 'DocuSign document ids are positive integers').openapi({ example: '1' }),
    name: z.string().min(1),
    file_extension: z.string().optional().openapi({ description: 'Default: pdf.' }),
    content_base64: z.string().min(1),
  })
  .openapi('SigningRequestDocumentInput');

const expiry = {
  expires_in_days: z.number().int().min(1).max(999).optional(),
  expiry_warning_days: z.number().int().min(0).optional(),
  reminder_delay_days: z.number().int().min(0).optional(),
  reminder_frequency_days: z.number().int().min(1).optional(),
};

export const CreateSigningRequestSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'Email subject; default: the template’s.' }),
    message: z.string().max(10000).optional(),
    template_id: z.string().min(1).optional(),
    documents: z.array(DocumentInputSchema).min(1).optional(),
    participants: z.array(ParticipantInputSchema).min(1),
    send: z.boolean().default(false).openapi({ description: 'false: keep it as a draft.' }),
    ...expiry,
  })
  .superRefine((body, ctx) => {
    if ((body.template_id === undefined) === (body.documents === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either template_id or documents',
        path: ['template_id'],
      });
    }
    if (body.documents !== undefined && body.name === undefined) {
      ctx.addIssue({ code: 'custom', message: 'name is required with documents', path: ['name'] });
    }
    body.participants.forEach((p, i) => {
      if (body.template_id !== undefined && p.template_role === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'from a template every participant names its template_role',
          path: ['participants', i, 'template_role'],
        });
      }
    });
  })
  .openapi('CreateSigningRequest', {
    example: {
      template_id: '6d1b6a9e-2c4f-4b8e-9a57-1f0e2d3c4b5a',
      name: 'Please sign: Mutual NDA',
      participants: [
        {
          role: 'signer',
          template_role: 'Signer',
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          routing_order: 1,
          fields: [{ type: 'text', label: 'company', value: 'Analytical Engines Ltd' }],
        },
      ],
      send: true,
    },
  });

const ParticipantChangeSchema = z
  .object({
    name: z.string().min(1).optional(),
    email: z.email().optional(),
    routing_order: z.number().int().min(1).optional(),
    client_user_id: z.string().min(1).max(100).optional(),
  })
  .openapi('UpdateSigningRequestParticipant');

export const UpdateSigningRequestSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    message: z.string().max(10000).optional(),
    participants: z
      .array(ParticipantChangeSchema.extend({ id: z.string().min(1) }))
      .optional()
      .openapi({ description: 'Changes to existing participants, by id.' }),
    ...expiry,
  })
  .openapi('UpdateSigningRequest');

export const UpdateParticipantSchema = ParticipantChangeSchema;

export const AddParticipantsSchema = z
  .object({ participants: z.array(ParticipantInputSchema).min(1) })
  .openapi('AddSigningRequestParticipants');

export const VoidSchema = z
  .object({ reason: z.string().min(1).max(200).openapi({ description: 'Shown to the participants.' }) })
  .openapi('VoidSigningRequest');

export const EmbedUrlInputSchema = z
  .object({
    participant_id: z.string().min(1),
    return_url: z.url().max(470).openapi({
      description:
        'Where DocuSign sends the participant afterwards, with `?event=signing_complete|decline|…`.',
    }),
  })
  .openapi('SigningRequestEmbedUrlInput');

export const EmbedUrlSchema = z
  .object({ url: z.string(), participant_id: z.string() })
  .openapi('SigningRequestEmbedUrl', {
    example: { url: 'https://demo.docusign.net/Signing/MTRedeem/v1/…', participant_id: '2' },
  });

export const EditUrlInputSchema = z
  .object({ return_url: z.url().max(470) })
  .openapi('SigningRequestEditUrlInput');

export const EditUrlSchema = z
  .object({
    url: z.string(),
    mode: z.enum(['sending', 'correction']).openapi({
      description: '`sending` for a draft (DocuSign sender view), `correction` for a request in flight.',
    }),
  })
  .openapi('SigningRequestEditUrl');

export const EmptySchema = z.object({}).openapi('SigningRequestActionInput');
