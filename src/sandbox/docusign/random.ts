/** A small seeded PRNG (mulberry32) so the same seed always yields the same simulator data. */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** A version-4-shaped GUID derived from the stream. */
  guid(): string;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Creates a deterministic random stream from a 32-bit seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const byteHex = (word: number, shift: number): string => HEX[(word >>> shift) & 0xff]!;
  return {
    next: () => u32() / 4294967296,
    int: (n) => Math.floor((u32() / 4294967296) * n),
    pick: (items) => items[Math.floor((u32() / 4294967296) * items.length)]!,
    guid: () => {
      const a = u32();
      const b = u32();
      const c = u32();
      const d = u32();
      const version = ((b >>> 8) & 0x0f) | 0x40;
      const variant = ((c >>> 24) & 0x3f) | 0x80;
      return (
        `${byteHex(a, 24)}${byteHex(a, 16)}${byteHex(a, 8)}${byteHex(a, 0)}-` +
        `${byteHex(b, 24)}${byteHex(b, 16)}-${HEX[version]}${byteHex(b, 0)}-` +
        `${HEX[variant]}${byteHex(c, 16)}-${byteHex(c, 8)}${byteHex(c, 0)}` +
        `${byteHex(d, 24)}${byteHex(d, 16)}${byteHex(d, 8)}${byteHex(d, 0)}`
      );
    },
  };
}

/** An unpredictable URL-safe token (for access/refresh tokens and codes; not seeded on purpose). */
export function randomToken(bytes = 32): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  let bin = '';
  for (const b of buf) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
