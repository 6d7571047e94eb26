import { describe, expect, it } from 'vitest';
import { bodyWasDecoded } from '../../../src/upstream/content-coding';

const decoded = (value?: string) =>
  bodyWasDecoded(new Headers(value === undefined ? {} : { 'content-encoding': value }));

describe('bodyWasDecoded', () => {
  it('is true when every coding named is one the transports decode', () => {
    expect(decoded('gzip')).toBe(true);
    expect(decoded('BR')).toBe(true);
    expect(decoded('deflate, gzip')).toBe(true);
    expect(decoded('x-gzip, identity')).toBe(true);
  });

  it('is false without a coding, or when any coding is one they pass through as it came', () => {
    expect(decoded()).toBe(false);
    expect(decoded('')).toBe(false);
    expect(decoded('identity')).toBe(false);
    expect(decoded('zstd')).toBe(false);
    expect(decoded('gzip, zstd')).toBe(false);
  });
});
