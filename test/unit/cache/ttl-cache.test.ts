import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../src/cache/ttl-cache';

function setup(maxEntries = 3, ttlMs = 1_000) {
  const clock = { now: 0 };
  const cache = new TtlCache<string, number>({ maxEntries, ttlMs, now: () => clock.now });
  return { clock, cache };
}

describe('TtlCache', () => {
  it('serves a value until its ttl has passed, then forgets it', () => {
    const { clock, cache } = setup();
    cache.set('a', 1);
    clock.now = 999;
    expect(cache.get('a')).toBe(1);
    clock.now = 1_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('counts the ttl from the latest set', () => {
    const { clock, cache } = setup();
    cache.set('a', 1);
    clock.now = 800;
    cache.set('a', 2);
    clock.now = 1_500;
    expect(cache.get('a')).toBe(2);
  });

  it('when full, evicts one entry (the least recently used), not all', () => {
    const { cache } = setup(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
  });

  it('replacing a key does not evict another', () => {
    const { cache } = setup(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    expect([cache.get('a'), cache.get('b')]).toEqual([3, 2]);
  });

  it('keeps nothing with a ttl of 0, and never expires with Infinity', () => {
    const off = new TtlCache<string, number>({ maxEntries: 2, ttlMs: 0 });
    off.set('a', 1);
    expect(off.get('a')).toBeUndefined();
    const clock = { now: 0 };
    const forever = new TtlCache<string, number>({ maxEntries: 2, ttlMs: Infinity, now: () => clock.now });
    forever.set('a', 1);
    clock.now = Number.MAX_SAFE_INTEGER;
    expect(forever.get('a')).toBe(1);
  });

  it('deletes one key, the matching values, or everything', () => {
    const { cache } = setup(5);
    for (const [key, value] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ] as const)
      cache.set(key, value);
    cache.delete('a');
    cache.deleteWhere((value) => value % 2 === 0);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([
      undefined,
      undefined,
      3,
      undefined,
    ]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('refuses a size below 1', () => {
    expect(() => new TtlCache({ maxEntries: 0, ttlMs: 1 })).toThrow(RangeError);
  });
});
