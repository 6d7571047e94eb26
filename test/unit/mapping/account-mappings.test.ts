import { describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/docusign-fixtures';
import { compiled } from '../../helpers/mappings';

const ACCOUNT = '8a7b5c3d-1e2f-4a6b-9c8d-7e6f5a4b3c2d';
const ctx = { accountId: ACCOUNT };

describe('mappings/docusign/user-directory/roles.yaml', () => {
  const list = compiled('user-directory', 'roles').method('list');
  const page = list.readPage(fixture('esignature.PermissionProfiles_GetPermissionProfiles.200.json'), 0);

  it('lists every permission profile in one unpaged response', () => {
    expect(page.items).toHaveLength(4);
    expect(page.nextOffset).toBeNull();
    expect(list.buildRequest({}, { ...ctx, page: { offset: 0, size: 100 } }).query).toEqual({
      include: 'user_count',
    });
  });

  it('maps a built-in profile', () => {
    expect(list.mapRecord(page.items[0], ctx)).toEqual({
      id: '2301414',
      name: 'Account Administrator',
      description: null,
      type: 'permission_profile',
      is_default: true,
      applicable_in: ['esignature'],
      is_admin: true,
      user_count: 1,
      updated_at: '2023-04-12T18:22:31.867Z',
      updated_by: 'Ada Lovelace',
      account_id: ACCOUNT,
    });
  });

  it('maps a custom profile (enum default false) and a profile missing modification fields (nulls)', () => {
    expect(list.mapRecord(page.items[3], ctx)).toMatchObject({
      id: '11223344',
      is_default: false,
      is_admin: false,
      user_count: 4,
      updated_at: '2024-09-15T07:05:00.000Z',
    });
    expect(list.mapRecord(page.items[2], ctx)).toMatchObject({
      id: '2301416',
      is_default: true,
      user_count: 0,
      updated_at: null,
      updated_by: null,
    });
  });
});

describe('mappings/docusign/user-directory/groups.yaml', () => {
  const groups = compiled('user-directory', 'groups');
  const list = groups.method('list');
  const page = list.readPage(fixture('esignature.Groups_GetGroups.200.json'), 0);

  it('maps groups; members stay null unless listed, a single member stays an array', () => {
    expect(page.nextOffset).toBeNull();
    expect(page.total).toBe(3);
    expect(page.items.map((g) => list.mapRecord(g, ctx))).toEqual([
      {
        id: '5501233',
        name: 'Administrators',
        type: 'adminGroup',
        member_count: 1,
        role: { id: '2301414' },
        members: null,
        account_id: ACCOUNT,
      },
      {
        id: '5501234',
        name: 'Everyone',
        type: 'everyoneGroup',
        member_count: 3,
        role: { id: '2301415' },
        members: null,
        account_id: ACCOUNT,
      },
      {
        id: '5509876',
        name: 'Legal',
        type: 'customGroup',
        member_count: 1,
        role: null,
        members: [
          {
            id: '4c2f1a9e-7b3d-4e8f-a1c2-3d4e5f6a7b8c',
            name: 'Ada Lovelace',
            email: 'ada.lovelace@example.com',
          },
        ],
        account_id: ACCOUNT,
      },
    ]);
  });

  it('create sends a one-item bulk body and maps groups[0] of the response', () => {
    const create = groups.method('create');
    expect(create.buildRequest({ name: 'Procurement', role_id: '2301415' }, ctx).body).toEqual({
      groups: [{ groupName: 'Procurement', permissionProfileId: '2301415' }],
    });
    const created = create.mapRecord(
      create.readRecord(fixture('esignature.Groups_PostGroups.201.json')),
      ctx,
    );
    expect(created).toMatchObject({ id: '5512345', name: 'Procurement', member_count: 0, members: null });
  });

  it('has no get (the spec has no single-group GET)', () => {
    expect(() => groups.method('get')).toThrow(/does not support get/);
  });
});

describe('mappings/docusign/user-directory/licenses.yaml', () => {
  const list = compiled('user-directory', 'licenses').method('list');
  const account = fixture('esignature.Accounts_GetAccount.200.json');
  const plan = fixture('esignature.BillingPlan_GetBillingPlan.200.json');

  it('asks for the account and, as a related request, the billing plan', () => {
    expect(list.buildRequest({}, ctx).path).toBe(`/v2.1/accounts/${ACCOUNT}`);
    expect(list.related.map((r) => [r.name, r.buildRequest({}, ctx).path])).toEqual([
      ['plan', `/v2.1/accounts/${ACCOUNT}/billing_plan`],
    ]);
  });

  it('maps the account seats to one license', () => {
    const page = list.readPage(account, 0);
    expect(page).toMatchObject({ total: 1, nextOffset: null });
    const during = Date.parse('2024-06-01T00:00:00Z');
    expect(list.mapRecord(page.items[0], { ...ctx, related: { plan }, now: during })).toEqual({
      id: 'e8f1a2b3-c4d5-4e6f-a7b8-c9d0e1f2a3b4',
      name: 'Business Pro',
      description: 'business',
      assigned_quantity: 3,
      available_quantity: 7,
      total_quantity: 10,
      is_paid: true,
      currency: 'GBP',
      unit_amount: 480,
      status: 'active',
      start_date: '2024-01-01T00:00:00.000Z',
      end_date: '2024-12-31T23:59:59.000Z',
      account_id: ACCOUNT,
    });
  });

  it('takes the license status from the plan dates: pending before the start, expired after the end', () => {
    const record = list.readPage(account, 0).items[0];
    const at = (iso: string) =>
      list.mapRecord(record, { ...ctx, related: { plan }, now: Date.parse(iso) }).status;
    expect(at('2023-06-01T00:00:00Z')).toBe('pending');
    expect(at('2024-06-01T00:00:00Z')).toBe('active');
    expect(at('2025-02-01T00:00:00Z')).toBe('expired');
  });

  it('marks a free plan unpaid, a suspended account suspended, and a missing plan price null', () => {
    const free = { ...account, planClassification: 'free', suspensionStatus: 'Suspended' };
    expect(list.mapRecord(free, ctx)).toMatchObject({
      is_paid: false,
      status: 'suspended',
      unit_amount: null,
    });
  });
});

describe('mappings/docusign/user-directory/billing.yaml', () => {
  const list = compiled('user-directory', 'billing').method('list');
  const plan = fixture('esignature.BillingPlan_GetBillingPlan.200.json');
  const invoices = fixture('esignature.BillingInvoices_GetBillingInvoices.200.json');

  it('maps the billing plan with its invoices (one invoice, one item: still arrays)', () => {
    const record = list.readPage(plan, 0).items[0];
    expect(list.mapRecord(record, { ...ctx, related: { invoices } })).toEqual({
      id: 'e8f1a2b3-c4d5-4e6f-a7b8-c9d0e1f2a3b4',
      plan_name: 'Business Pro',
      plan_classification: 'business',
      billing_frequency: 'annually',
      currency: 'GBP',
      total_amount: 4800,
      per_seat_amount: 480,
      included_seats: 10,
      payment_method: 'creditcard',
      start_date: '2024-01-01',
      end_date: '2025-01-01',
      invoices: [
        {
          id: '2024-INV-000187',
          number: '000187',
          amount: 4800,
          balance: 0,
          due_date: '2024-01-31',
          pdf_available: true,
          items: [{ id: '1', name: 'Business Pro seats', amount: 4800, quantity: 10, unit_amount: 480 }],
        },
      ],
      account_id: ACCOUNT,
    });
  });

  it('gives null invoices when the invoices request was not made, and passes invoice date filters', () => {
    expect(list.mapRecord(plan, ctx).invoices).toBeNull();
    const invoicesRequest = list.related.find((r) => r.name === 'invoices')!;
    expect(invoicesRequest.buildRequest({ invoices_from: '2024-01-01' }, ctx).query).toEqual({
      from_date: '2024-01-01',
    });
  });
});
