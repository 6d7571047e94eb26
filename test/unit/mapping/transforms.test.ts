import { describe, expect, it } from 'vitest';
import { TRANSFORMS, toBoolean, toIsoDate, toIsoDateTime, toNumber } from '../../../src/mapping/transforms';

describe('toIsoDateTime', () => {
  it.each([
    ['2017-05-15T21:20:03.1170000Z', '2017-05-15T21:20:03.117Z'],
    ['2017-05-15T21:20:03Z', '2017-05-15T21:20:03.000Z'],
    ['2017-05-15T21:20:03.5Z', '2017-05-15T21:20:03.500Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2017-05-15T21:20:03.1170000', '2017-05-15T21:20:03.117Z'],
    ['2017-05-15T21:20', '2017-05-15T21:20:00.000Z'],
    ['2017-05-15', '2017-05-15T00:00:00.000Z'],
    ['2024-03-01T10:00:00+02:00', '2024-03-01T08:00:00.000Z'],
    ['2024-03-01T10:00:00.25-0130', '2024-03-01T11:30:00.250Z'],
    ['5/15/2017 9:20:03 PM', '2017-05-15T21:20:03.000Z'],
  ])('%s → %s', (input, expected) => {
    expect(toIsoDateTime(input)).toBe(expected);
  });

  it.each([
    ['2023-02-29T00:00:00Z'],
    ['2024-13-01T00:00:00Z'],
    ['2024-01-01T24:00:00Z'],
    ['2024-04-31T10:00:00Z'],
    ['soon'],
    [''],
    [null],
    [undefined],
    [{}],
  ])('%s → null', (input) => {
    expect(toIsoDateTime(input)).toBeNull();
  });

  it('rejects a fraction point without digits', () => {
    expect(toIsoDateTime('2017-05-15T21:20:03.Z')).toBeNull();
  });

  it('gives dates as YYYY-MM-DD', () => {
    expect(toIsoDate('2025-01-01T00:00:00.0000000Z')).toBe('2025-01-01');
    expect(toIsoDate('x')).toBeNull();
  });
});

describe('number and boolean coercion of eSignature strings', () => {
  it('parses numbers, money and rejects words', () => {
    expect(toNumber('100')).toBe(100);
    expect(toNumber('456.0000')).toBe(456);
    expect(toNumber('$1,200.50')).toBe(1200.5);
    expect(toNumber('-3')).toBe(-3);
    expect(toNumber('unlimited')).toBeNull();
    expect(toNumber('')).toBeNull();
    expect(toNumber(Number.NaN)).toBeNull();
  });

  it('parses booleans in any case and rejects other words', () => {
    expect([toBoolean('true'), toBoolean('True'), toBoolean('1'), toBoolean(true)]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([toBoolean('false'), toBoolean('FALSE'), toBoolean('0'), toBoolean(0)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(toBoolean('maybe')).toBeNull();
  });

  it('to_integer truncates, compact drops missing values, first and count read arrays', () => {
    expect(TRANSFORMS.to_integer('9.9')).toBe(9);
    expect(TRANSFORMS.compact([null, 'a', '', undefined, 0])).toEqual(['a', 0]);
    expect(TRANSFORMS.first(['a', 'b'])).toBe('a');
    expect(TRANSFORMS.count([])).toBe(0);
    expect(TRANSFORMS.to_string({ a: 1 })).toBe('{"a":1}');
  });
});
