import { describe, expect, it } from 'vitest';
import { renderPdf } from '../../src/sandbox/docusign/pdf';
import { createRandom } from '../../src/sandbox/docusign/random';
import { RateLimiter } from '../../src/sandbox/docusign/rate-limit';
import type { SimTab } from '../../src/sandbox/docusign/state';
import { streamedPdfBytes } from '../../src/sandbox/docusign/streamed-pdf';
import { fillTabsByLabel, setTabValue } from '../../src/sandbox/docusign/tab-values';
import { crc32, zipStore } from '../../src/sandbox/docusign/zip-store';

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

describe('streamedPdf', () => {
  it('has exactly the requested size and a cross-reference table that points at each object', async () => {
    for (const size of [2000, 65_536 + 1000, 3 * 65_536 + 1, 200_001]) {
      const bytes = await streamedPdfBytes('Big', ['line'], size);
      expect(bytes.length).toBe(size);
      const text = new TextDecoder('latin1').decode(bytes);
      const startxref = Number(text.match(/startxref\n(\d+)\n%%EOF\n$/)![1]);
      expect(text.slice(startxref, startxref + 4)).toBe('xref');
      const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
      for (const [i, offset] of offsets.entries())
        expect(text.slice(offset, offset + 8)).toBe(`${i + 1} 0 obj\n`);
    }
  });

  it('grows to the PDF skeleton when asked for fewer bytes than it needs', async () => {
    const bytes = await streamedPdfBytes('Big', ['line'], 10);
    expect(new TextDecoder().decode(bytes).startsWith('%PDF-1.4\n')).toBe(true);
    expect(bytes.length).toBeGreaterThan(10);
  });
});

describe('zipStore', () => {
  it('computes the IEEE CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes local headers, a central directory and the end record for each entry', () => {
    const a = new TextEncoder().encode('hello');
    const zip = zipStore(
      [
        { name: 'a.txt', bytes: a },
        { name: 'b.txt', bytes: new Uint8Array(0) },
      ],
      Date.parse('2026-06-01T12:00:00Z'),
    );
    const v = new DataView(zip.buffer);
    expect(v.getUint32(0, true)).toBe(0x04034b50);
    expect(v.getUint32(14, true)).toBe(crc32(a));
    expect(v.getUint32(18, true)).toBe(5);
    const end = zip.length - 22;
    expect(v.getUint32(end, true)).toBe(0x06054b50);
    expect(v.getUint16(end + 10, true)).toBe(2);
    const centralAt = v.getUint32(end + 16, true);
    expect(v.getUint32(centralAt, true)).toBe(0x02014b50);
    expect(centralAt).toBe(30 + 5 + 5 + 30 + 5);
    // DOS date: 2026-06-01 -> (46 << 9) | (6 << 5) | 1
    expect(v.getUint16(12, true)).toBe((46 << 9) | (6 << 5) | 1);
  });
});

describe('tab values', () => {
  const tab = (kind: string, extra: Partial<SimTab> = {}): SimTab => ({
    kind,
    tabId: kind,
    tabLabel: kind,
    documentId: '1',
    pageNumber: '1',
    xPosition: '0',
    yPosition: '0',
    ...extra,
  });

  it('selects checkboxes, radio buttons and list items by value', () => {
    const box = tab('checkboxTabs');
    setTabValue(box, 'TRUE');
    expect(box.selected).toBe('true');
    const radio = tab('radioGroupTabs', {
      radios: [
        { tabId: 'r1', value: 'a', pageNumber: '1', xPosition: '0', yPosition: '0' },
        { tabId: 'r2', value: 'b', pageNumber: '1', xPosition: '0', yPosition: '0' },
      ],
    });
    setTabValue(radio, 'b');
    expect(radio.radios!.map((r) => r.selected)).toEqual(['false', 'true']);
    const listTab = tab('listTabs', { listItems: [{ text: 'Small', value: 's' }] });
    setTabValue(listTab, 'Small');
    expect(listTab.listItems![0]!.selected).toBe('true');
  });

  it('fills value tabs by label and reports labels that match none (signature tabs take no value)', () => {
    const tabs = [tab('textTabs', { tabLabel: 'x' }), tab('signHereTabs', { tabLabel: 'sig' })];
    expect(fillTabsByLabel(tabs, { x: '1', sig: 'no' })).toEqual(['sig']);
    expect(tabs[0]!.value).toBe('1');
  });
});
