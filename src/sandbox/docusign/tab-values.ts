/** Setting tab values: one place that knows how checkboxes, radio groups and lists hold their value. */
import type { SimTab } from './state';

/** Kinds whose value a signer types or picks (DocuSign refuses values on signature-type tabs). */
const VALUE_KINDS = new Set([
  'textTabs',
  'checkboxTabs',
  'emailTabs',
  'companyTabs',
  'titleTabs',
  'dateTabs',
  'numberTabs',
  'listTabs',
  'radioGroupTabs',
  'fullNameTabs',
  'emailAddressTabs',
]);

/** Whether a tab of this kind takes a value. */
export const takesValue = (kind: string): boolean => VALUE_KINDS.has(kind);

/**
 * Sets a tab's value: a checkbox is selected by "true"; a radio group selects the button with that value;
 * a list selects the item with that value (or text).
 */
export function setTabValue(tab: SimTab, value: string | undefined): void {
  if (value === undefined) return;
  if (tab.kind === 'checkboxTabs') {
    tab.selected = value.toLowerCase() === 'true' ? 'true' : 'false';
    return;
  }
  tab.value = value;
  if (tab.radios) for (const r of tab.radios) r.selected = r.value === value ? 'true' : 'false';
  if (tab.listItems) {
    for (const i of tab.listItems) i.selected = i.value === value || i.text === value ? 'true' : 'false';
  }
}

/** Fills tabs by `tabLabel` (e.g. what a signer typed); returns the labels that matched no value tab. */
export function fillTabsByLabel(tabs: SimTab[], values: Record<string, string>): string[] {
  const unknown: string[] = [];
  for (const [label, value] of Object.entries(values)) {
    const matching = tabs.filter((t) => t.tabLabel === label && takesValue(t.kind));
    if (matching.length === 0) unknown.push(label);
    for (const t of matching) setTabValue(t, value);
  }
  return unknown;
}
