export interface TtlCacheOptions {
  /** Most entries kept; a set beyond it evicts the least recently used entry (one, not all). */
  maxEntries: number;
  /** How long an entry is served after its `set`; 0 or less keeps nothing, `Infinity` never expires. */
  ttlMs: number;
  /** Milliseconds clock (tests pass a fake one). */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A bounded in-process cache: per-entry expiry plus least-recently-used eviction. A Map keeps insertion order,
 * so re-inserting an entry on a hit makes its first key the least recently used (hits refresh recency once the
 * cache is over half full). Pure JS: runs on Workers.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: TtlCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('TtlCache maxEntries must be at least 1');
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /** The value while it is fresh (`now < set time + ttlMs`); an expired entry is dropped. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Recency only matters once eviction is near; below half full, a hit skips the Map delete + set (hot path).
    if (this.entries.size > this.maxEntries / 2) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  /** Stores `value` for `ttlMs`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.evictOldest();
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches (e.g. all cached keys of a revoked API key id). */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.value, key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Entries held, fresh or not yet noticed to be expired. */
  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
