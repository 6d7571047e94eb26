/**
 * Mapping functions for DocuSign tabs. DocuSign keeps a recipient's tabs in one array per kind (`signHereTabs`,
 * `textTabs`, …, spec definition `tabs`), inside each recipient of a `recipients` object; the unified
 * document-fields resource is one flat list. Records stay DocuSign tab objects (so `remote_data` is DocuSign's):
 * only `tabType` (the kind, e.g. `signHere`, when DocuSign left it out) and `recipientId` (the recipient the tab
 * sits in, when left out) are filled in, both fields of every tab type in the spec.
 */
import type { MappingFunction } from './functions';

/** Recipient arrays of the spec's `recipients` definition whose members carry `tabs`. */
const RECIPIENT_LISTS = [
  'signers',
  'inPersonSigners',
  'agents',
  'editors',
  'intermediaries',
  'carbonCopies',
  'certifiedDeliveries',
  'witnesses',
  'notaries',
  'seals',
] as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every tab of a `tabs` object, in kind order then DocuSign's order. */
function tabsOf(tabs: unknown, recipientId: unknown): Json[] {
  if (!isObject(tabs)) return [];
  const out: Json[] = [];
  for (const [kind, list] of Object.entries(tabs)) {
    // `prefillTabs` is a nested `tabs` object of the sender's prefill fields, not a kind array.
    if (!kind.endsWith('Tabs') || !Array.isArray(list)) continue;
    for (const tab of list) {
      if (!isObject(tab)) continue;
      const copy: Json = { ...tab };
      if (copy.tabType === undefined || copy.tabType === '') copy.tabType = kind.slice(0, -'Tabs'.length);
      if ((copy.recipientId === undefined || copy.recipientId === '') && recipientId !== undefined)
        copy.recipientId = recipientId;
      out.push(copy);
    }
  }
  return out;
}

/**
 * The tabs of a body as one list: a `recipients` object (every recipient's `tabs`) or a `tabs` object (as the
 * recipient and document tab calls answer).
 */
export const flattenTabs: MappingFunction = (input) => {
  if (!isObject(input)) return [];
  const lists = RECIPIENT_LISTS.filter((name) => Array.isArray(input[name]));
  if (lists.length === 0) return tabsOf(input, undefined);
  return lists.flatMap((name) =>
    (input[name] as unknown[]).flatMap((r) => (isObject(r) ? tabsOf(r.tabs, r.recipientId) : [])),
  );
};

/** The first tab of a `tabs` answer (the one a create or update call sent), or null. */
export const firstTab: MappingFunction = (input, ctx) => {
  const tabs = flattenTabs(input, ctx) as Json[];
  return tabs[0] ?? null;
};
