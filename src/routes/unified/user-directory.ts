import { z } from '@hono/zod-openapi';
import type { Router } from '../../http/openapi';
import { getGroupWithMembers } from '../../unified/esignature-groups';
import { recordUserClosed } from '../../utilization/seat-insights';
import type { UnifiedRouteDeps } from './deps';
import { registerEnvelopeTransfers } from './envelope-transfers';
import { type RecordReader, registerUnifiedResource } from './resource';
import { registerSeatInsights } from './seat-insights';
import { registerUtilization } from './utilization';

/** A user-directory group as its get answers: found in the list, with every member. */
const readGroup: RecordReader = (deps, caller, input) =>
  getGroupWithMembers(deps, caller, { ...input, model: 'user-directory' });

const Ref = z.object({ id: z.string(), name: z.string().nullable() });

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
        .openapi({ description: 'The DocuSign object, with include_remote_data=true.' }),
    })
    .strict();
}
const dateTime = z.string().nullable().openapi({ format: 'date-time' });

export const UserSchema = unifiedObject({
  id: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  name: z.string().nullable(),
  title: z.string().nullable(),
  username: z.string().nullable(),
  emails: z.array(z.object({ email: z.string(), type: z.string(), is_primary: z.boolean() })),
  phones: z.array(z.object({ number: z.string(), type: z.string() })),
  status: z.enum(['active', 'inactive', 'invited', 'deleted']),
  roles: z.array(Ref),
  groups: z.array(Ref).nullable(),
  is_admin: z.boolean().nullable(),
  user_type: z.string().nullable(),
  last_login_at: dateTime,
  created_at: dateTime,
  updated_at: dateTime,
  account_id: z.string(),
}).openapi('User', {
  example: {
    id: '4f1c5b3e-7a2d-4c8e-9b6f-0d1e2f3a4b5c',
    first_name: 'Ada',
    last_name: 'Lovelace',
    name: 'Ada Lovelace',
    title: 'Engineer',
    username: 'ada@example.com',
    emails: [{ email: 'ada@example.com', type: 'work', is_primary: true }],
    phones: [],
    status: 'active',
    roles: [{ id: '12345', name: 'DocuSign Sender' }],
    groups: [{ id: '67890', name: 'Everyone' }],
    is_admin: false,
    user_type: 'CompanyUser',
    last_login_at: '2026-11-20T09:12:00.000Z',
    created_at: '2025-03-01T10:00:00.000Z',
    updated_at: null,
    account_id: 'a087eaf3-00b3-49c9-8706-c4ebfb2627fd',
  },
});

export const RoleSchema = unifiedObject({
  id: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  type: z.string(),
  is_default: z.boolean(),
  applicable_in: z.array(z.string()),
  is_admin: z.boolean().nullable(),
  user_count: z.number().int().nullable(),
  updated_at: dateTime,
  updated_by: z.string().nullable(),
  account_id: z.string(),
}).openapi('Role');

export const GroupSchema = unifiedObject({
  id: z.string(),
  name: z.string().nullable(),
  type: z.string().nullable(),
  member_count: z.number().int().nullable(),
  role: z.object({ id: z.string() }).nullable(),
  members: z
    .array(z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }))
    .nullable(),
  account_id: z.string(),
}).openapi('Group');

export const LicenseSchema = unifiedObject({
  id: z.string().nullable(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  assigned_quantity: z.number().int().nullable(),
  available_quantity: z.number().int().nullable(),
  total_quantity: z.number().int().nullable(),
  is_paid: z.boolean(),
  currency: z.string().nullable(),
  unit_amount: z.number().nullable(),
  status: z.string(),
  start_date: dateTime,
  end_date: dateTime,
  account_id: z.string(),
}).openapi('License');

const InvoiceSchema = z
  .object({
    id: z.string().nullable(),
    number: z.string().nullable(),
    amount: z.number().nullable(),
    balance: z.number().nullable(),
    due_date: z.string().nullable(),
    pdf_available: z.boolean().nullable(),
    items: z
      .array(
        z.object({
          id: z.string().nullable(),
          name: z.string().nullable(),
          amount: z.number().nullable(),
          quantity: z.number().int().nullable(),
          unit_amount: z.number().nullable(),
        }),
      )
      .nullable(),
  })
  .openapi('Invoice');

export const BillingSchema = unifiedObject({
  id: z.string().nullable(),
  plan_name: z.string().nullable(),
  plan_classification: z.string().nullable(),
  billing_frequency: z.string().nullable(),
  currency: z.string().nullable(),
  total_amount: z.number().nullable(),
  per_seat_amount: z.number().nullable(),
  included_seats: z.number().int().nullable(),
  payment_method: z.string().nullable(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  invoices: z.array(InvoiceSchema).nullable(),
  account_id: z.string(),
}).openapi('Billing');

const CreateUserSchema = z
  .object({
    name: z.string().min(1).openapi({ description: 'Full name (DocuSign userName).' }),
    email: z.email(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    title: z.string().optional(),
    role_id: z.string().optional().openapi({ description: 'Permission profile id (see roles).' }),
    group_id: z.string().optional().openapi({ description: 'A group to add the user to.' }),
  })
  .openapi('CreateUser');

const GroupInputSchema = z
  .object({
    name: z.string().min(1),
    role_id: z.string().optional().openapi({ description: 'Permission profile id.' }),
  })
  .openapi('CreateGroup');

const UpdateUserSchema = CreateUserSchema.omit({ email: true }).partial().openapi('UpdateUser');

/** Registers `/unified/user-directory/*` (except utilization and envelope transfers, which have their own files). */
export function registerUserDirectory(app: Router, deps: UnifiedRouteDeps): void {
  registerUtilization(app, deps);
  registerSeatInsights(app, deps);
  registerEnvelopeTransfers(app, deps);
  registerUnifiedResource(app, deps, {
    model: 'user-directory',
    resource: 'users',
    title: 'Users',
    schema: UserSchema,
    list: {
      filters: z.object({
        status: z.enum(['active', 'inactive', 'invited', 'deleted']).optional(),
        email: z.string().optional().openapi({ description: 'Exact email address.' }),
        email_contains: z.string().optional(),
        name_contains: z.string().optional(),
        group_id: z.string().optional(),
      }),
    },
    get: true,
    create: { body: CreateUserSchema, refetch: true },
    update: { body: UpdateUserSchema, refetch: true },
    delete: true,
    actions: {
      close: { summary: "Close the user's membership of the DocuSign account", write: true, refetch: true },
    },
    // Seat insights stop listing a user closed here at once, not only after the next utilization sync.
    afterWrite: async (routeDeps, caller, write) => {
      if ((write.method === 'close' || write.method === 'delete') && write.id)
        await recordUserClosed(routeDeps.db, caller.row.id, write.accountId, write.id);
    },
  });
  registerUnifiedResource(app, deps, {
    model: 'user-directory',
    resource: 'roles',
    title: 'Roles',
    schema: RoleSchema,
    list: { filters: z.object({}) },
    get: true,
  });
  registerUnifiedResource(app, deps, {
    model: 'user-directory',
    resource: 'groups',
    title: 'Groups',
    schema: GroupSchema,
    list: {
      filters: z.object({ name_contains: z.string().optional(), type: z.string().optional() }),
    },
    get: true,
    read: readGroup,
    create: { body: GroupInputSchema, refetch: true },
    update: { body: GroupInputSchema.partial().openapi('UpdateGroup'), refetch: true },
    delete: true,
  });
  registerUnifiedResource(app, deps, {
    model: 'user-directory',
    resource: 'licenses',
    title: 'Licenses',
    schema: LicenseSchema,
    list: { filters: z.object({}) },
  });
  registerUnifiedResource(app, deps, {
    model: 'user-directory',
    resource: 'billing',
    title: 'Billing',
    schema: BillingSchema,
    list: {
      filters: z.object({
        invoices_from: z
          .string()
          .optional()
          .openapi({ description: 'Invoices from this date (default: 365 days ago).' }),
        invoices_to: z.string().optional(),
      }),
    },
  });
}
