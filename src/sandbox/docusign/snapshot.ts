/**
 * The simulator's whole state as JSON text and back (what SANDBOX_DATA_DIR persistence writes): Maps, Sets and
 * byte arrays are tagged, and the by-id indexes, which alias the arrays' objects, are rebuilt on load.
 */
import type { SimState } from './state';

/** Everything a restart must keep. */
export interface SimSnapshot {
  version: 1;
  clockOffsetMs: number;
  state: SimState;
  /** The seeded defaults (ids of the default user, accounts, client). */
  defaults: unknown;
  oauth: unknown;
  reminders: unknown[];
}

const toBase64 = (bytes: Uint8Array): string => {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
};

const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

// Index maps alias objects of the arrays beside them; they are rebuilt instead of stored twice.
const DERIVED = new Set(['membersById', 'envelopesById', 'templatesById']);

/** Serialises a snapshot. */
export function encodeSnapshot(snapshot: SimSnapshot): string {
  return JSON.stringify(snapshot, function replacer(key, value: unknown) {
    if (DERIVED.has(key)) return undefined;
    if (value instanceof Map) return { $map: [...value.entries()] };
    if (value instanceof Set) return { $set: [...value] };
    if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
    return value;
  });
}

/** Parses a snapshot written by `encodeSnapshot`, with the account indexes rebuilt. */
export function decodeSnapshot(text: string): SimSnapshot {
  const snapshot = JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const tagged = value as { $map?: [unknown, unknown][]; $set?: unknown[]; $bytes?: string };
      if (tagged.$map) return new Map(tagged.$map);
      if (tagged.$set) return new Set(tagged.$set);
      if (typeof tagged.$bytes === 'string') return fromBase64(tagged.$bytes);
    }
    return value;
  }) as SimSnapshot;
  if (snapshot.version !== 1) throw new Error(`Unknown sandbox state version ${String(snapshot.version)}`);
  for (const account of snapshot.state.accounts.values()) {
    account.membersById = new Map(account.members.map((m) => [m.userId, m]));
    account.envelopesById = new Map(account.envelopes.map((e) => [e.envelopeId, e]));
    account.templatesById = new Map(account.templates.map((t) => [t.templateId, t]));
  }
  return snapshot;
}
