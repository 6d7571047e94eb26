/** Builds simulator envelopes/templates from `envelopeDefinition` / `envelopeTemplate` request bodies. */
import { EsignError, str } from './esignature/common';
import { SUPPORTED_TAB_KINDS } from './esignature-views';
import { createRandom, type Random } from './random';
import {
  hash32,
  type RecipientType,
  type SimDocument,
  type SimNotification,
  type SimRecipient,
  type SimTab,
  type SimTemplate,
} from './state';
import { setTabValue } from './tab-values';

type Obj = Record<string, unknown>;
/** A plain JSON object. */
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The object elements of a JSON array (empty for anything else). */
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

const RECIPIENT_LISTS: [string, RecipientType][] = [
  ['signers', 'signer'],
  ['carbonCopies', 'carboncopy'],
  ['certifiedDeliveries', 'certifieddelivery'],
];
const UNSUPPORTED_LISTS = [
  'agents',
  'editors',
  'intermediaries',
  'inPersonSigners',
  'witnesses',
  'notaries',
  'seals',
];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A GUID stream for one request (deterministic per seed and request key). */
export function requestRandom(seed: number, key: string): Random {
  return createRandom(hash32(`${seed}:${key}`));
}

function decodeBase64(b64: string): Uint8Array | undefined {
  try {
    const bin = atob(b64.replace(/\s+/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** Parses a `notification` object (expirations and reminders), merged over the current settings. */
export function parseNotification(
  value: unknown,
  current: SimNotification = {},
): SimNotification | undefined {
  if (!isObj(value)) return undefined;
  const exp = isObj(value.expirations) ? value.expirations : {};
  const rem = isObj(value.reminders) ? value.reminders : {};
  const num = (v: unknown, name: string): string | undefined => {
    const s = str(v);
    if (s !== undefined && !/^\d+$/.test(s))
      throw new EsignError('INVALID_REQUEST_PARAMETER', `${name} must be a whole number of days.`);
    return s;
  };
  return {
    expireEnabled: str(exp.expireEnabled) ?? current.expireEnabled,
    expireAfter: num(exp.expireAfter, 'expireAfter') ?? current.expireAfter,
    expireWarn: num(exp.expireWarn, 'expireWarn') ?? current.expireWarn,
    reminderEnabled: str(rem.reminderEnabled) ?? current.reminderEnabled,
    reminderDelay: num(rem.reminderDelay, 'reminderDelay') ?? current.reminderDelay,
    reminderFrequency: num(rem.reminderFrequency, 'reminderFrequency') ?? current.reminderFrequency,
  };
}

/** Parses `documents[]`. */
export function parseDocuments(rng: Random, value: unknown): SimDocument[] {
  return arr(value).map((d, i) => {
    const documentId = str(d.documentId) ?? String(i + 1);
    const name = str(d.name) ?? `Document ${documentId}`;
    const b64 = str(d.documentBase64);
    const bytes = b64 ? decodeBase64(b64) : undefined;
    if (b64 && !bytes)
      throw new EsignError('INVALID_REQUEST_BODY', `documentBase64 of document ${documentId} is not base64.`);
    const isPdf =
      bytes !== undefined && bytes.length > 4 && String.fromCharCode(...bytes.slice(0, 4)) === '%PDF';
    return {
      documentId,
      documentIdGuid: rng.guid(),
      name,
      fileExtension: str(d.fileExtension) ?? 'pdf',
      order: Number(str(d.order) ?? i + 1),
      pages: 1,
      bytes: isPdf ? bytes : undefined,
    };
  });
}

/** Parses one tab of the `kind` array (a `radioGroup` keeps its buttons; its label is the group name). */
export function parseTab(rng: Random, kind: string, t: Obj): SimTab {
  const radios =
    kind === 'radioGroupTabs'
      ? arr(t.radios).map((r) => ({
          tabId: rng.guid(),
          value: str(r.value) ?? '',
          selected: str(r.selected),
          pageNumber: str(r.pageNumber) ?? '1',
          xPosition: str(r.xPosition) ?? '0',
          yPosition: str(r.yPosition) ?? '0',
        }))
      : undefined;
  const listItems =
    kind === 'listTabs'
      ? arr(t.listItems).map((i) => ({
          text: str(i.text) ?? str(i.value) ?? '',
          value: str(i.value) ?? str(i.text) ?? '',
          selected: str(i.selected),
        }))
      : undefined;
  return {
    kind,
    tabId: rng.guid(),
    tabLabel: str(t.tabLabel) ?? str(t.groupName) ?? str(t.name) ?? kind.replace(/Tabs$/, ''),
    documentId: str(t.documentId) ?? '1',
    pageNumber: str(t.pageNumber) ?? radios?.[0]?.pageNumber ?? '1',
    xPosition: str(t.xPosition) ?? '0',
    yPosition: str(t.yPosition) ?? '0',
    anchorString: str(t.anchorString),
    anchorXOffset: str(t.anchorXOffset),
    anchorYOffset: str(t.anchorYOffset),
    value: str(t.value) ?? radios?.find((r) => r.selected === 'true')?.value,
    required: str(t.required),
    locked: str(t.locked),
    selected: str(t.selected),
    listItems,
    radios,
  };
}

/** Parses a `tabs` object into simulator tabs (tab types the simulator does not model are rejected). */
export function parseTabs(rng: Random, value: unknown): SimTab[] {
  if (!isObj(value)) return [];
  const tabs: SimTab[] = [];
  for (const [kind, list] of Object.entries(value)) {
    if (!Array.isArray(list) || list.length === 0) continue;
    if (!SUPPORTED_TAB_KINDS.has(kind)) {
      throw new EsignError('INVALID_REQUEST_BODY', `The simulator does not model ${kind}.`);
    }
    for (const t of arr(list)) tabs.push(parseTab(rng, kind, t));
  }
  return tabs;
}

/**
 * Parses a `recipients` object. `requireIdentity` is false for template roles (no name/email yet);
 * recipients without a `recipientId` are numbered from `firstId`.
 */
export function parseRecipients(
  rng: Random,
  value: unknown,
  requireIdentity: boolean,
  firstId = 1,
): SimRecipient[] {
  if (!isObj(value)) return [];
  for (const list of UNSUPPORTED_LISTS) {
    if (arr(value[list]).length > 0)
      throw new EsignError('INVALID_REQUEST_BODY', `The simulator does not model ${list}.`);
  }
  const out: SimRecipient[] = [];
  for (const [list, type] of RECIPIENT_LISTS) {
    for (const r of arr(value[list])) {
      const recipientId = str(r.recipientId) ?? String(firstId + out.length);
      const email = str(r.email) ?? '';
      const name = str(r.name) ?? '';
      if (requireIdentity) {
        if (!name) throw new EsignError('INVALID_RECIPIENT_NAME', `Recipient ${recipientId} has no name.`);
        if (!EMAIL.test(email)) {
          throw new EsignError(
            'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT',
            `The email address for recipient ${recipientId} is invalid.`,
          );
        }
      }
      if (out.some((x) => x.recipientId === recipientId)) {
        throw new EsignError('DUPLICATE_RECIPIENT_ID', `Recipient ID ${recipientId} is used more than once.`);
      }
      out.push({
        recipientId,
        recipientIdGuid: rng.guid(),
        type,
        name,
        email,
        roleName: str(r.roleName),
        routingOrder: Number(str(r.routingOrder) ?? '1') || 1,
        clientUserId: str(r.clientUserId),
        status: 'created',
        tabs: type === 'signer' ? parseTabs(rng, r.tabs) : [],
      });
    }
  }
  return out;
}

/** Turns a template and `templateRoles[]` into envelope recipients; roles nobody fills are dropped. */
export function recipientsFromTemplate(rng: Random, template: SimTemplate, roles: unknown): SimRecipient[] {
  const given = arr(roles);
  const out: SimRecipient[] = [];
  for (const role of template.roles) {
    const match = given.find((g) => str(g.roleName)?.toLowerCase() === role.roleName?.toLowerCase());
    if (!match) continue;
    const name = str(match.name) ?? '';
    const email = str(match.email) ?? '';
    if (!name || !EMAIL.test(email)) {
      throw new EsignError(
        'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT',
        `Role ${role.roleName} needs a name and a valid email.`,
      );
    }
    // Prefill: tabs given on the role set the value of the template's tabs with the same label.
    const prefill = parseTabs(rng, match.tabs);
    const tabs = role.tabs.map((t) => {
      const p = prefill.find((x) => x.tabLabel === t.tabLabel && x.kind === t.kind);
      const copy: SimTab = {
        ...t,
        tabId: rng.guid(),
        radios: t.radios?.map((r) => ({ ...r, tabId: rng.guid() })),
        listItems: t.listItems?.map((i) => ({ ...i })),
        locked: p?.locked ?? t.locked,
      };
      if (p) setTabValue(copy, p.kind === 'checkboxTabs' ? (p.selected ?? p.value) : p.value);
      return copy;
    });
    out.push({
      ...role,
      recipientIdGuid: rng.guid(),
      name,
      email,
      clientUserId: str(match.clientUserId),
      routingOrder: Number(str(match.routingOrder) ?? role.routingOrder) || role.routingOrder,
      status: 'created',
      tabs,
    });
  }
  const unknown = given.filter(
    (g) => !template.roles.some((r) => r.roleName?.toLowerCase() === str(g.roleName)?.toLowerCase()),
  );
  if (unknown.length > 0) {
    throw new EsignError(
      'INVALID_REQUEST_BODY',
      `Template role ${str(unknown[0]!.roleName) ?? ''} is not in the template.`,
    );
  }
  return out;
}

export { arr, isObj };
