import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { BASE, call, documentRequest } from './signing-request-helpers';

const STATUSES = '/unified/e-signature/signing-request-statuses';

let t: ConnectedApp;
let rw: string;
let all: string;

beforeAll(async () => {
  t = await createConnectedApp();
  rw = await t.connect();
  all = await t.connect({ allAccounts: true });
});
afterAll(() => t.close());

interface Row {
  id: string;
  account_id: string;
  status: { id: string };
  created_at: string;
  participants: { email: string }[];
}

async function list(query: string, connection = rw) {
  const { res, body } = await call(t, connection, 'GET', BASE, { query });
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body as { result: Row[]; next_cursor: string | null; result_count: number };
}

/** Every record of a listing, following next_cursor. */
async function walk(query: string, connection = rw) {
  const rows: Row[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, connection);
    expect(page.result_count).toBe(page.result.length);
    rows.push(...page.result);
    cursor = page.next_cursor;
    pages++;
  } while (cursor && pages < 100);
  return { rows, pages };
}

function lastEnvelopeQuery(): Record<string, string> {
  const entry = t.sim.log.entries.filter((e) => e.path.endsWith('/envelopes') && e.method === 'GET').at(-1);
  return entry!.query as Record<string, string>;
}

describe('GET /unified/e-signature/signing-requests', () => {
  it('defaults to 30 days of changes without drafts, and documents the window sent to DocuSign', async () => {
    const page = await list('limit=100');
    const query = lastEnvelopeQuery();
    expect(query.from_to_status).toBe('changed');
    const from = Date.parse(query.from_date!);
    expect(Date.now() - from).toBeGreaterThan(30 * 86_400_000);
    expect(Date.now() - from).toBeLessThan(31 * 86_400_000);
    expect(query.status).not.toContain('created');
    expect(page.result.length).toBeGreaterThan(0);
    expect(page.result.every((r) => r.status.id !== 'created')).toBe(true);
  });

  it('filters on one unified status, drafts only when asked for', async () => {
    await call(t, rw, 'POST', BASE, { body: documentRequest([{ email: 'draft@example.com' }], false) });
    const drafts = await list('status=created&limit=100');
    expect(lastEnvelopeQuery().status).toContain('created');
    expect(drafts.result.length).toBeGreaterThan(0);
    expect(drafts.result.every((r) => r.status.id === 'created')).toBe(true);
    const sent = await list('status=sent&limit=100');
    expect(lastEnvelopeQuery().status).toBe('sent');
    expect(sent.result.every((r) => r.status.id === 'sent')).toBe(true);
    const expired = await list('status=expired&limit=5');
    expect(lastEnvelopeQuery().status).toBe('timedout');
    expect(expired.result.every((r) => r.status.id === 'expired')).toBe(true);
    const bad = await call(t, rw, 'GET', BASE, { query: 'status=archived' });
    expect(bad.res.status).toBe(400);
  });

  it('filters on creation dates, and refuses two date fields at once', async () => {
    const after = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const page = await list(`created_after=${after}&limit=100`);
    expect(lastEnvelopeQuery()).toMatchObject({ from_to_status: 'created' });
    expect(page.result.every((r) => r.created_at >= after)).toBe(true);
    const both = await call(t, rw, 'GET', BASE, { query: `created_after=${after}&updated_after=${after}` });
    expect(both.res.status).toBe(400);
  });

  it('pages with next_cursor through the same records a single page returns', async () => {
    const since = `created_after=${new Date(Date.now() - 400 * 86_400_000).toISOString()}`;
    const whole = await list(`${since}&limit=500`);
    const { rows, pages } = await walk(`${since}&limit=7`);
    expect(pages).toBeGreaterThan(2);
    expect(rows.map((r) => r.id)).toEqual(whole.result.map((r) => r.id));
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('finds a request by subject search, participant email and collection', async () => {
    const created = await call(t, rw, 'POST', BASE, {
      body: { ...documentRequest([{ email: 'needle.person@example.com' }]), name: 'Zebra haystack contract' },
    });
    expect(created.res.status).toBe(201);
    const bySearch = await list('search=Zebra%20haystack');
    expect(bySearch.result.map((r) => r.id)).toEqual([created.body.id]);
    const byEmail = await list('participant_email=needle.person@example.com');
    expect(byEmail.result.map((r) => r.id)).toEqual([created.body.id]);
    expect(byEmail.result[0]!.participants.some((p) => p.email === 'needle.person@example.com')).toBe(true);
    const folder = created.body.collection.id as string;
    const byCollection = await list(`collection_id=${folder}&limit=500`);
    expect(lastEnvelopeQuery().folder_ids).toBe(folder);
    expect(byCollection.result.map((r) => r.id)).toContain(created.body.id);
    const both = await call(t, rw, 'GET', BASE, { query: 'search=x&participant_email=a@example.com' });
    expect(both.res.status).toBe(400);
  });

  it('walks every account of a sync-all connection, each record carrying account_id', async () => {
    const since = `updated_after=${new Date(Date.now() - 400 * 86_400_000).toISOString()}`;
    const { rows } = await walk(`${since}&limit=200`, all);
    expect(new Set(rows.map((r) => r.account_id))).toEqual(new Set(t.sim.defaults.accountIds));
  });
});

describe('signing request statuses', () => {
  it('lists the unified status set from the one status map, with the DocuSign names behind each', async () => {
    const { res, body } = await call(t, rw, 'GET', STATUSES);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(body.result.map((s: { id: string }) => [s.id, s]));
    for (const id of [
      'created',
      'sent',
      'delivered',
      'signed',
      'completed',
      'declined',
      'voided',
      'correct',
    ]) {
      expect(byId[id], id).toBeDefined();
    }
    expect(byId.expired).toMatchObject({ docusign_statuses: ['timedout'], is_fallback: false });
    expect(byId.unknown).toMatchObject({ docusign_statuses: [], is_fallback: true });
    expect(body.next_cursor).toBeNull();
    const paged = await call(t, rw, 'GET', STATUSES, { query: 'limit=5' });
    expect(paged.body.result).toHaveLength(5);
    expect(paged.body.next_cursor).not.toBeNull();
    const one = await call(t, rw, 'GET', `${STATUSES}/completed`);
    expect(one.body.docusign_statuses).toEqual(['completed', 'authoritativecopy', 'transfercompleted']);
    expect((await call(t, rw, 'GET', `${STATUSES}/nope`)).res.status).toBe(404);
  });

  it('maps a DocuSign status it does not know to the documented fallback instead of failing', async () => {
    const created = await call(t, rw, 'POST', BASE, { body: documentRequest([{ email: 'u@example.com' }]) });
    const account = t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
    const envelope = account.envelopesById.get(created.body.id)!;
    (envelope as { status: string }).status = 'quantumsigned';
    const { res, body } = await call(t, rw, 'GET', `${BASE}/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(body.status).toEqual({ id: 'unknown', name: 'unknown' });
    expect(body.docusign_status).toBe('quantumsigned');
  });
});

describe('GET /meta', () => {
  it('lists every signing-request route, derived from the routes themselves', async () => {
    const res = await t.request('/meta');
    const body = (await res.json()) as {
      models: { name: string; resources: { name: string; methods: string[] }[] }[];
    };
    const model = body.models.find((m) => m.name === 'e-signature')!;
    const methods = (name: string) => model.resources.find((r) => r.name === name)?.methods;
    expect(methods('signing-requests')).toEqual(
      [
        'create',
        'delete',
        'download',
        'edit-url',
        'embed-url',
        'get',
        'list',
        'participants',
        'participants.delete',
        'participants.update',
        'resend',
        'send',
        'update',
        'void',
      ].sort(),
    );
    expect(methods('signing-request-statuses')).toEqual(['get', 'list']);
  });
});
