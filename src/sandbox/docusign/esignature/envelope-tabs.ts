/** Envelope tabs: a recipient's tabs (list, add, update values by tabId, remove) and the tabs of a document. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { arr, parseTab, requestRandom } from '../envelope-builder';
import { SUPPORTED_TAB_KINDS, tabsView } from '../esignature-views';
import type { SimEnvelope, SimRecipient, SimTab } from '../state';
import { setTabValue, takesValue } from '../tab-values';
import { type Ctx, EsignError, readJson, str } from './common';
import { findEnvelopeRecipient, RECIPIENT_UPDATE_FAILED, requireCorrectable } from './envelope-recipients';
import { findEnvelope } from './envelopes';

type Obj = Record<string, unknown>;

/** The `tabs` body as (kind, tab) pairs; unknown kinds are refused like on create. */
function tabEntries(body: Obj): [string, Obj][] {
  const out: [string, Obj][] = [];
  for (const [kind, list] of Object.entries(body)) {
    if (!Array.isArray(list) || list.length === 0) continue;
    if (!SUPPORTED_TAB_KINDS.has(kind))
      throw new EsignError('INVALID_REQUEST_BODY', `The simulator does not model ${kind}.`);
    for (const t of arr(list)) out.push([kind, t]);
  }
  return out;
}

/** A radio group is addressed by `groupName` (its buttons have the tab ids); other tabs by `tabId`. */
function findTab(r: SimRecipient, kind: string, t: Obj): SimTab | undefined {
  if (kind === 'radioGroupTabs') {
    const name = str(t.groupName);
    const radioIds = arr(t.radios).map((x) => str(x.tabId));
    return r.tabs.find(
      (x) =>
        x.kind === kind &&
        (x.tabLabel === name || x.radios?.some((b) => radioIds.includes(b.tabId)) === true),
    );
  }
  const id = str(t.tabId);
  return r.tabs.find((x) => x.tabId === id && x.kind === kind);
}

/** A per-tab error; a `radioGroup` has no `errorDetails` of its own in the spec, so its buttons carry it. */
function tabError(kind: string, t: Obj, errorCode: string, message: string): Obj {
  return kind === 'radioGroupTabs'
    ? { groupName: str(t.groupName), radios: [{ errorDetails: { errorCode, message } }] }
    : { tabId: str(t.tabId), errorDetails: { errorCode, message } };
}

/** Groups plain tab objects by kind into a `tabs` body. */
function group(items: [string, Obj][]): Record<string, Obj[]> {
  const out: Record<string, Obj[]> = {};
  for (const [kind, view] of items) {
    const list = out[kind] ?? [];
    list.push(view);
    out[kind] = list;
  }
  return out;
}

function loadSigner(c: Ctx): { e: SimEnvelope; r: SimRecipient } {
  const e = findEnvelope(c.get('account'), c.req.param('envelopeId') ?? '');
  const r = findEnvelopeRecipient(e, c.req.param('recipientId') ?? '');
  return { e, r };
}

function requireEditable(e: SimEnvelope, r: SimRecipient): void {
  requireCorrectable(e);
  if (r.status === 'completed' || r.status === 'signed' || r.status === 'declined') {
    throw new EsignError(RECIPIENT_UPDATE_FAILED.errorCode, RECIPIENT_UPDATE_FAILED.message);
  }
  if (r.type !== 'signer')
    throw new EsignError('INVALID_REQUEST_BODY', 'Only signers have tabs in the simulator.');
}

/** Registers tab routes under `/envelopes/{envelopeId}`. */
export function registerEnvelopeTabRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/envelopes/:envelopeId/recipients/:recipientId/tabs', (c) => {
    const { r } = loadSigner(c);
    return c.json(tabsView(r.tabs, () => r.recipientId));
  });

  app.post('/envelopes/:envelopeId/recipients/:recipientId/tabs', async (c) => {
    const { e, r } = loadSigner(c);
    requireEditable(e, r);
    const body = await readJson<Obj>(c);
    const rng = requestRandom(
      sim.state.seed,
      `tabs:${e.envelopeId}:${r.recipientId}:${r.tabs.length}:${sim.now()}`,
    );
    const added = tabEntries(body).map(([kind, t]) => parseTab(rng, kind, t));
    const missingDoc = added.find((t) => !e.documents.some((d) => d.documentId === t.documentId));
    if (missingDoc) {
      throw new EsignError(
        'TAB_REFERS_TO_MISSING_DOCUMENT',
        `The tab refers to document ${missingDoc.documentId}, which is not in the envelope.`,
      );
    }
    r.tabs.push(...added);
    e.lastModifiedMs = sim.now();
    return c.json(
      tabsView(added, () => r.recipientId),
      201,
    );
  });

  app.put('/envelopes/:envelopeId/recipients/:recipientId/tabs', async (c) => {
    const { e, r } = loadSigner(c);
    requireEditable(e, r);
    const body = await readJson<Obj>(c);
    const results = tabEntries(body).map(([kind, t]): [string, Obj] => {
      const tab = findTab(r, kind, t);
      if (!tab) return [kind, tabError(kind, t, 'INVALID_TAB_ID', 'The tab is not a tab of this recipient.')];
      if (takesValue(kind)) {
        const selectedRadio = arr(t.radios).find((x) => str(x.selected) === 'true');
        setTabValue(
          tab,
          kind === 'checkboxTabs' ? str(t.selected) : (str(selectedRadio?.value) ?? str(t.value)),
        );
      }
      for (const key of [
        'required',
        'locked',
        'pageNumber',
        'xPosition',
        'yPosition',
        'documentId',
      ] as const) {
        const v = str(t[key]);
        if (v !== undefined) tab[key] = v;
      }
      if (str(t.tabLabel) !== undefined && kind !== 'radioGroupTabs') tab.tabLabel = str(t.tabLabel)!;
      return [kind, firstView(tab, r)];
    });
    e.lastModifiedMs = sim.now();
    return c.json(group(results));
  });

  app.delete('/envelopes/:envelopeId/recipients/:recipientId/tabs', async (c) => {
    const { e, r } = loadSigner(c);
    requireEditable(e, r);
    const body = await readJson<Obj>(c);
    const results = tabEntries(body).map(([kind, t]): [string, Obj] => {
      const tab = findTab(r, kind, t);
      if (!tab) return [kind, tabError(kind, t, 'INVALID_TAB_ID', 'The tab is not a tab of this recipient.')];
      r.tabs = r.tabs.filter((x) => x !== tab);
      return [kind, firstView(tab, r)];
    });
    e.lastModifiedMs = sim.now();
    return c.json(group(results));
  });

  app.get('/envelopes/:envelopeId/documents/:documentId/tabs', (c) => {
    const e = findEnvelope(c.get('account'), c.req.param('envelopeId'));
    const id = c.req.param('documentId');
    if (!e.documents.some((d) => d.documentId === id)) {
      throw new EsignError('DOCUMENT_DOES_NOT_EXIST', 'The document specified was not found.');
    }
    const owner = new Map<string, string>();
    const tabs: SimTab[] = [];
    for (const r of e.recipients) {
      for (const t of r.tabs) {
        if (t.documentId !== id) continue;
        owner.set(t.tabId, r.recipientId);
        tabs.push(t);
      }
    }
    return c.json(tabsView(tabs, (t) => owner.get(t.tabId) ?? ''));
  });
}

/** The view of one tab of a recipient. */
function firstView(tab: SimTab, r: SimRecipient): Obj {
  return (tabsView([tab], () => r.recipientId)[tab.kind] as Obj[])[0]!;
}
