import { describe, expect, it } from 'vitest';
import { renderPdf } from '../../src/sandbox/docusign/pdf';
import { createRandom } from '../../src/sandbox/docusign/random';
import { RateLimiter } from '../../src/sandbox/docusign/rate-limit';

describe('renderPdf', () => {
  it('writes a cross-reference table whose offsets point at each object', () => {
    const text = new TextDecoder('latin1').decode(
      renderPdf('Title (with parens)', ['line one', 'naïve → text']),
    );
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    const startxref = Number(text.match(/startxref\n(\d+)\n%%EOF\n$/)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(5);
    for (const [i, offset] of offsets.entries())
      expect(text.slice(offset, offset + 8)).toBe(`${i + 1} 0 obj\n`);
    const length = Number(text.match(/\/Length (\d+)/)![1]);
    const stream = text.slice(text.indexOf('stream\n') + 7, text.indexOf('\nendstream'));
    expect(stream.length).toBe(length);
    expect(stream).toContain('(Title \\(with parens\\)) Tj');
  });
});

describe('createRandom', () => {
  it('repeats the same stream for a seed and yields version-4 GUIDs', () => {
    const a = createRandom(9);
    const b = createRandom(9);
    const ids = Array.from({ length: 50 }, () => a.guid());
    expect(Array.from({ length: 50 }, () => b.guid())).toEqual(ids);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(50);
    expect(createRandom(10).guid()).not.toBe(ids[0]);
  });
});

describe('RateLimiter', () => {
  it('counts per account per hour and per user per burst window', () => {
    let now = Date.parse('2026-01-01T10:59:50Z');
    const limiter = new RateLimiter({ hourly: 3, burst: 2, burstWindowSeconds: 30 }, () => now);
    expect(limiter.hit('acc', 'u1').allowed).toBe(true);
    expect(limiter.hit('acc', 'u1').allowed).toBe(true);
    const burst = limiter.hit('acc', 'u1');
    expect(burst).toMatchObject({ allowed: false, kind: 'burst' });
    expect(limiter.hit('acc', 'u2').allowed).toBe(true);
    const hourly = limiter.hit('acc', 'u3');
    expect(hourly).toMatchObject({ allowed: false, kind: 'hourly' });
    expect(hourly.headers['X-RateLimit-Reset']).toBe(String(Date.parse('2026-01-01T11:00:00Z') / 1000));
    expect(limiter.hit('other', 'u3').allowed).toBe(true);
    now = Date.parse('2026-01-01T11:00:00Z');
    expect(limiter.hit('acc', 'u1').headers['X-RateLimit-Remaining']).toBe('2');
  });
});
