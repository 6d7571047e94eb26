import type {
  LockedTokenRow,
  TokenEvent,
  TokenRow,
  TokenRowPatch,
  TokenStore,
} from '../../src/credentials/token-store';

/**
 * An in-memory TokenStore with the PostgreSQL store's semantics: `withLock` serialises per row,
 * re-reads the row after the lock is granted, and commits its writes when the callback settles.
 * Two token managers sharing one instance behave like two processes sharing one database.
 */
export class MemoryTokenStore implements TokenStore {
  readonly rows = new Map<string, TokenRow>();
  readonly events: TokenEvent[] = [];
  private readonly locks = new Map<string, Promise<void>>();
  /** Called after the lock is granted and before the callback runs (lets a test act "in between"). */
  onLocked: ((id: string) => Promise<void> | void) | null = null;

  put(row: TokenRow): void {
    this.rows.set(row.id, structuredClone(row));
  }

  async read(id: string): Promise<TokenRow | null> {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }

  async withLock<T>(id: string, fn: (locked: LockedTokenRow) => Promise<T>): Promise<T | null> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chained = previous.then(() => mine);
    this.locks.set(id, chained);
    await previous;
    try {
      await this.onLocked?.(id);
      const stored = this.rows.get(id);
      if (!stored) return null;
      const row = structuredClone(stored);
      const patches: TokenRowPatch[] = [];
      const events: TokenEvent[] = [];
      const commit = () => {
        this.rows.set(id, Object.assign(structuredClone(row), ...patches));
        this.events.push(...events);
      };
      const locked: LockedTokenRow = {
        row,
        update: async (patch) => {
          patches.push(patch);
        },
        addEvent: async (event) => {
          events.push(event);
        },
      };
      try {
        const result = await fn(locked);
        commit();
        return result;
      } catch (err) {
        commit();
        throw err;
      }
    } finally {
      release();
      if (this.locks.get(id) === chained) this.locks.delete(id);
    }
  }
}
