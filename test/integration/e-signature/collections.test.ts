import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccount } from '../../../src/sandbox/docusign/state';
import { type ConnectedApp, createConnectedApp } from '../../helpers/connected-app';
import { json } from '../../helpers/http';

let t: ConnectedApp;
let ia: string;
let all: string;
beforeAll(async () => {
  t = await createConnectedApp();
  ia = await t.connect();
  all = await t.connect({ allAccounts: true, permission: 'read' });
});
afterAll(() => t.close());

const COLLECTIONS = '/unified/e-signature/collections';
const primary = (): SimAccount => t.sim.state.accounts.get(t.sim.defaults.accountIds[0]!)!;
const send = (path: string, connection = ia) =>
  t.request(`${path}${path.includes('?') ? '&' : '?'}integrated_account_id=${connection}`);
type Collection = { id: string; name: string; type: string; item_count: number; account_id: string };

async function collections(connection = ia): Promise<Collection[]> {
  const out: Collection[] = [];
  let cursor: string | null = null;
  do {
    const body = await json(await send(`${COLLECTIONS}${cursor ? `?cursor=${cursor}` : ''}`, connection));
    out.push(...body.result);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

describe('GET /unified/e-signature/collections', () => {
  it("lists the user's folders with their types and item counts", async () => {
    const result = await collections();
    expect(result.map((c) => c.type)).toEqual(expect.arrayContaining(['draft', 'inbox', 'sentitems']));
    const sent = result.find((c) => c.type === 'sentitems')!;
    expect(sent.item_count).toBeGreaterThan(0);
    expect(sent.account_id).toBe(primary().accountId);
  });

  it('walks every account of a sync-all connection', async () => {
    const result = await collections(all);
    expect(new Set(result.map((c) => c.account_id))).toEqual(new Set(t.sim.defaults.accountIds));
  });
});

describe('GET /unified/e-signature/collections/{id}', () => {
  it('gets one folder and answers 404 for an unknown one', async () => {
    const sent = (await collections()).find((c) => c.type === 'sentitems')!;
    const res = await send(`${COLLECTIONS}/${sent.id}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: sent.id, name: sent.name, type: 'sentitems' });
    const missing = await send(`${COLLECTIONS}/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
  });
});

describe('GET /unified/e-signature/collections/{id}/signing-requests', () => {
  it('pages through the signing requests in a folder with next_cursor', async () => {
    const sent = (await collections()).find((c) => c.type === 'sentitems')!;
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await send(
        `${COLLECTIONS}/${sent.id}/signing-requests?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.result.length).toBeLessThanOrEqual(5);
      ids.push(...body.result.map((r: { id: string }) => r.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(ids).toHaveLength(sent.item_count);
    expect(new Set(ids).size).toBe(ids.length);
    const first = primary().envelopesById.get(ids[0]!)!;
    const one = await json(await send(`${COLLECTIONS}/${sent.id}/signing-requests?limit=1`));
    expect(one.result[0]).toMatchObject({
      id: first.envelopeId,
      name: first.emailSubject,
      status: first.status,
    });
  });

  it('rejects a cursor of another collection (400) and answers 404 for an unknown collection', async () => {
    const [a, b] = (await collections()).filter((c) => c.item_count > 1);
    const page = await json(await send(`${COLLECTIONS}/${a!.id}/signing-requests?limit=1`));
    const foreign = await send(`${COLLECTIONS}/${b!.id}/signing-requests?limit=1&cursor=${page.next_cursor}`);
    expect(foreign.status).toBe(400);
    const missing = await send(`${COLLECTIONS}/00000000-0000-4000-8000-000000000000/signing-requests`);
    expect(missing.status).toBe(404);
  });
});
