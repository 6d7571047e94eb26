/** The built-in transforms a mapping field can name under `transform` or `type`. */
import type { FieldType, TransformName } from './format';

export type Transform = (value: unknown) => unknown;

/** True for the values the mapping engine treats as missing: undefined, null and "". */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number in `text[from..from+len)` if those are all ASCII digits, else -1. */
function digits(text: string, from: number, len: number): number {
  let n = 0;
  for (let i = from; i < from + len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// DocuSign's usual shape, `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, is checked and rewritten as text: no Date round trip
// (the hot path of a users page). Returns undefined for any other shape, null for an impossible date.
function fastUtc(text: string): string | null | undefined {
  const len = text.length;
  if (len < 20 || text.charCodeAt(len - 1) !== 90 /* Z */) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':')
    return undefined;
  let fraction = '000';
  if (len > 20) {
    if (text[19] !== '.' || len < 22 || len > 30 || digits(text, 20, len - 21) < 0) return undefined;
    fraction = len - 21 >= 3 ? text.slice(20, 23) : text.slice(20, len - 1).padEnd(3, '0');
  } else if (len !== 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day < 1 || day > maxDay || hour > 23 || minute > 59 || second > 59) return null;
  return `${text.slice(0, 19)}.${fraction}Z`;
}

/** Normalises a date-time to ISO 8601 UTC (`2024-01-02T03:04:05.678Z`); unparseable values become null. */
export function toIsoDateTime(value: unknown): string | null {
  if (isMissing(value)) return null;
  if (typeof value === 'string') {
    const fast = fastUtc(value);
    if (fast !== undefined) return fast;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const m = ISO_LIKE.exec(text);
  let parsed: number;
  if (m) {
    // DocuSign sends up to 7 fractional digits (.NET ticks) and sometimes no zone: UTC is meant.
    const time = m[2] ? (m[2].length === 5 ? `${m[2]}:00` : m[2]) : '00:00:00';
    const fraction = m[3] ? `.${m[3].slice(0, 3).padEnd(3, '0')}` : '';
    const zone = m[4]
      ? m[4].toUpperCase() === 'Z'
        ? 'Z'
        : m[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
      : 'Z';
    parsed = Date.parse(`${m[1]}T${time}${fraction}${zone}`);
  } else {
    parsed = Date.parse(/(Z|GMT|UTC|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text} UTC`);
  }
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

/** Normalises a date to `YYYY-MM-DD` (UTC). */
export function toIsoDate(value: unknown): string | null {
  const iso = toIsoDateTime(value);
  return iso === null ? null : iso.slice(0, 10);
}

/** Parses numbers sent as strings (`"100"`, `"456.0000"`, `"$1,200.50"`); other values become null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const cleaned = value
    .trim()
    .replace(/^[^\d+-.]+/, '')
    .replace(/,/g, '');
  if (cleaned === '') return null;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : null;
}

/** Parses booleans sent as strings (`"true"`, `"True"`, `"false"`, `"1"`, `"0"`); other values become null. */
export function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return null;
  switch (value.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
      return true;
    case 'false':
    case '0':
    case 'no':
      return false;
    default:
      return null;
  }
}

function splitName(value: unknown): [string, string] | null {
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/\s+/g, ' ');
  if (text === '') return null;
  const cut = text.lastIndexOf(' ');
  return cut < 0 ? [text, ''] : [text.slice(0, cut), text.slice(cut + 1)];
}

function mapString(fn: (s: string) => string): Transform {
  return (value) => (typeof value === 'string' ? fn(value) : value);
}

/** Every built-in transform, by the name mapping files use. */
export const TRANSFORMS: Record<TransformName, Transform> = {
  iso_datetime: toIsoDateTime,
  iso_date: toIsoDate,
  to_number: toNumber,
  to_integer: (value) => {
    const n = toNumber(value);
    return n === null ? null : Math.trunc(n);
  },
  to_boolean: toBoolean,
  to_string: (value) =>
    isMissing(value) ? null : typeof value === 'object' ? JSON.stringify(value) : String(value),
  lowercase: mapString((s) => s.toLowerCase()),
  uppercase: mapString((s) => s.toUpperCase()),
  trim: mapString((s) => s.trim()),
  // "Mary Ann Smith" → first "Mary Ann", last "Smith": the last word is the family name, a guess only used as fallback.
  split_name_first: (value) => splitName(value)?.[0] ?? null,
  split_name_last: (value) => {
    const last = splitName(value)?.[1];
    return last ? last : null;
  },
  split_comma: (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : value,
  compact: (value) => (Array.isArray(value) ? value.filter((v) => !isMissing(v)) : value),
  first: (value) => (Array.isArray(value) ? value[0] : value),
  count: (value) => (Array.isArray(value) ? value.length : isMissing(value) ? 0 : null),
  flatten,
};

// One level: [[a, b], null, [c]] → [a, b, c] (missing parts dropped), e.g. DocuSign's per-type recipient arrays.
// A loop into one array: a list page flattens a dozen mostly empty arrays per record.
function flatten(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const part: unknown = value[i];
    if (Array.isArray(part)) {
      for (let j = 0; j < part.length; j++) if (!isMissing(part[j])) out.push(part[j]);
    } else if (!isMissing(part)) out.push(part);
  }
  return out;
}

/** The coercion behind each `type`. */
export const TYPE_COERCIONS: Record<FieldType, Transform> = {
  string: TRANSFORMS.to_string,
  number: toNumber,
  integer: TRANSFORMS.to_integer,
  boolean: toBoolean,
  datetime: toIsoDateTime,
  date: toIsoDate,
};
