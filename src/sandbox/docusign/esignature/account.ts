/** eSignature account information, billing plan and invoices. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { iso } from '../esignature-views';
import type { SimAccount, SimInvoice } from '../state';
import { dateParam, EsignError } from './common';

const money = (n: number): string => n.toFixed(2);
const DAY = 86_400_000;

function invoiceView(inv: SimInvoice): Record<string, unknown> {
  return {
    invoiceId: inv.invoiceId,
    invoiceNumber: inv.invoiceNumber,
    amount: money(inv.amount),
    balance: money(inv.balance),
    dueDate: iso(inv.dueMs),
    pdfAvailable: 'true',
    taxableAmount: money(inv.amount),
    nonTaxableAmount: '0.00',
    invoiceUri: `/billing_invoices/${inv.invoiceId}`,
    invoiceItems: inv.items.map((i) => ({
      invoiceItemId: i.invoiceItemId,
      chargeName: i.chargeName,
      quantity: String(i.quantity),
      unitPrice: money(i.unitPrice),
      chargeAmount: money(i.quantity * i.unitPrice),
    })),
  };
}

function billingPeriod(account: SimAccount, now: number): { start: number; end: number } {
  const length = 30 * DAY;
  const elapsed = Math.max(0, now - account.plan.planStartMs);
  const start = account.plan.planStartMs + Math.floor(elapsed / length) * length;
  return { start, end: start + length };
}

/** Registers account, billing plan and invoice routes. */
export function registerAccountRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/', (c) => {
    const account = c.get('account');
    const now = sim.now();
    const period = billingPeriod(account, now);
    const sent = account.envelopes.filter((e) => e.sentMs !== undefined && e.sentMs >= period.start).length;
    const seatsInUse = account.members.filter((m) => m.status !== 'Closed').length;
    return c.json({
      accountIdGuid: account.accountId,
      accountName: account.accountName,
      externalAccountId: String(account.externalAccountId),
      currentPlanId: account.plan.planId,
      planName: account.plan.planName,
      planClassification: 'partner',
      planStartDate: iso(account.plan.planStartMs),
      planEndDate: iso(account.plan.renewalMs),
      billingPeriodStartDate: iso(period.start),
      billingPeriodEndDate: iso(period.end),
      billingPeriodEnvelopesSent: String(sent),
      billingPeriodEnvelopesAllowed: 'unlimited',
      billingPeriodDaysRemaining: String(Math.max(0, Math.ceil((period.end - now) / DAY))),
      seatsAllowed: String(account.plan.includedSeats),
      seatsInUse: String(seatsInUse),
      createdDate: iso(account.createdMs),
      currencyCode: account.plan.currencyCode,
      suspensionStatus: '',
      envelopeSendingBlocked: 'false',
      canUpgrade: 'true',
      connectPermission: account.plan.connectIncluded === false ? 'none' : 'full',
      paymentMethod: account.plan.paymentMethod,
      distributorCode: 'DEVCENTER_DEMO_APRIL2013',
      isDowngrade: 'false',
    });
  });

  app.get('/billing_plan', (c) => {
    const account = c.get('account');
    const p = account.plan;
    return c.json({
      billingPlan: {
        planId: p.planId,
        planName: p.planName,
        planClassification: 'partner',
        paymentCycle: p.paymentCycle,
        paymentMethod: p.paymentMethod,
        perSeatPrice: money(p.perSeatPrice),
        includedSeats: String(p.includedSeats),
        currencyCode: p.currencyCode,
        planStartDate: iso(p.planStartMs),
        renewalDate: iso(p.renewalMs),
        renewalStatus: 'auto',
        canUpgrade: 'true',
        isDowngrade: 'false',
        enableSupport: 'true',
      },
      paymentMethod: p.paymentMethod,
      billingAddressIsCreditCardAddress: 'true',
      successorPlans: [],
    });
  });

  app.get('/billing_invoices', (c) => {
    const account = c.get('account');
    const now = sim.now();
    const from = dateParam('from_date', c.req.query('from_date')) ?? now - 365 * DAY;
    const to = dateParam('to_date', c.req.query('to_date')) ?? now;
    const invoices = account.invoices.filter((i) => i.dueMs >= from && i.dueMs <= to).map(invoiceView);
    return c.json({ billingInvoices: invoices, nextUri: '', previousUri: '' });
  });

  app.get('/billing_invoices/:invoiceId', (c) => {
    const inv = c.get('account').invoices.find((i) => i.invoiceId === c.req.param('invoiceId'));
    if (!inv) throw new EsignError('INVALID_INVOICE_ID', 'The invoice ID is not valid.');
    return c.json(invoiceView(inv));
  });
}
