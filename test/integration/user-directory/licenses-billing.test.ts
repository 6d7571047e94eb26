import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let all: string;
beforeAll(async () => {
  t = await createConnectedApp();
  all = await t.connect({ allAccounts: true, permission: 'read' });
});
afterAll(() => t.close());

const account = (index: number): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[index]!)!;

async function listAll(resource: string, query = '') {
  const records: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.request(
      `/unified/user-directory/${resource}?integrated_account_id=${all}${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    const body = await json(res);
    records.push(...body.result);
    cursor = body.next_cursor;
  } while (cursor);
  return records;
}

describe('GET /unified/user-directory/licenses', () => {
  it('reports one seat license per account: seats in use, allowed and free, at the plan seat price', async () => {
    const licenses = await listAll('licenses');
    expect(licenses).toHaveLength(2);
    for (const index of [0, 1]) {
      const a = account(index);
      const inUse = a.members.filter((m) => m.status !== 'Closed').length;
      const license = licenses.find((l) => l.account_id === a.accountId)!;
      expect(license).toMatchObject({
        name: a.plan.planName,
        assigned_quantity: inUse,
        total_quantity: a.plan.includedSeats,
        // Never negative, even when an account uses more seats than its plan includes.
        available_quantity: Math.max(0, a.plan.includedSeats - inUse),
        currency: a.plan.currencyCode,
        unit_amount: a.plan.perSeatPrice,
        is_paid: true,
        status: 'active',
        start_date: new Date(a.plan.planStartMs).toISOString(),
        end_date: new Date(a.plan.renewalMs).toISOString(),
      });
    }
  });
});

describe('GET /unified/user-directory/billing', () => {
  it('maps the plan: frequency, currency, per-seat and total amounts', async () => {
    const billing = await listAll('billing');
    expect(billing).toHaveLength(2);
    for (const index of [0, 1]) {
      const a = account(index);
      const record = billing.find((b) => b.account_id === a.accountId)!;
      expect(record).toMatchObject({
        plan_name: a.plan.planName,
        billing_frequency: a.plan.paymentCycle.toLowerCase(),
        currency: a.plan.currencyCode,
        per_seat_amount: a.plan.perSeatPrice,
        included_seats: a.plan.includedSeats,
        total_amount: a.plan.perSeatPrice * a.plan.includedSeats,
        payment_method: a.plan.paymentMethod.toLowerCase(),
        start_date: new Date(a.plan.planStartMs).toISOString().slice(0, 10),
      });
      expect(['monthly', 'annually']).toContain(record.billing_frequency);
    }
  });

  it("includes the last year's invoices with their items", async () => {
    const [record] = await listAll('billing', `&account_id=${account(0).accountId}`);
    const yearAgo = Date.now() - 365 * 86_400_000;
    const expected = account(0).invoices.filter((i) => i.dueMs >= yearAgo && i.dueMs <= Date.now());
    expect(expected.length).toBeGreaterThan(0);
    const invoices = record!.invoices as Record<string, unknown>[];
    expect(invoices).toHaveLength(expected.length);
    for (const inv of expected) {
      expect(invoices).toContainEqual({
        id: inv.invoiceId,
        number: inv.invoiceNumber,
        amount: inv.amount,
        balance: inv.balance,
        due_date: new Date(inv.dueMs).toISOString().slice(0, 10),
        pdf_available: true,
        items: inv.items.map((item) => ({
          id: item.invoiceItemId,
          name: item.chargeName,
          amount: item.quantity * item.unitPrice,
          quantity: item.quantity,
          unit_amount: item.unitPrice,
        })),
      });
    }
  });

  it('passes invoices_from / invoices_to to DocuSign', async () => {
    const inv = account(0).invoices[0]!;
    const day = new Date(inv.dueMs).toISOString().slice(0, 10);
    const [record] = await listAll(
      'billing',
      `&account_id=${account(0).accountId}&invoices_from=${day}&invoices_to=${day}T23:59:59Z`,
    );
    const invoiceCall = t.sim.log.entries.filter((e) => e.path.endsWith('/billing_invoices')).at(-1)!;
    expect(invoiceCall.query).toMatchObject({ from_date: day });
    expect((record!.invoices as { id: string }[]).map((i) => i.id)).toContain(inv.invoiceId);
  });
});
