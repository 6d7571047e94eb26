/** The built-in transforms a mapping field can name under `transform` or `type`. */
import type { FieldType, TransformName } from './format';

export type Transform = (value: unknown) => unknown;

/** True for the values the mapping engine treats as missing: undefined, null and "". */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Normalises a date-time to ISO 8601 UTC (`2024-01-02T03:04:05.678Z`); unparseable values become null. */
export function toIsoDateTime(value: unknown): string | null {
  if (isMissing(value)) return null;
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
};

/** The coercion behind each `type`. */
export const TYPE_COERCIONS: Record<FieldType, Transform> = {
  string: TRANSFORMS.to_string,
  number: toNumber,
  integer: TRANSFORMS.to_integer,
  boolean: toBoolean,
  datetime: toIsoDateTime,
  date: toIsoDate,
};
