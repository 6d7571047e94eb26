/** A record of every request the simulator handled, so tests can assert on upstream traffic. */

export type SimApi = 'oauth' | 'esignature' | 'admin' | 'control' | 'other';

export interface RequestLogEntry {
  /** Simulator clock (ms) when the request arrived. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** HTTP status; 0 when a fault reset the connection. */
  status: number;
  api: SimApi;
  /** `grant_type` of `/oauth/token` requests. */
  grantType?: string;
  /** Account GUID of eSignature/Admin account routes. */
  accountId?: string;
  /** Authenticated user, when known. */
  userId?: string;
  /** Which injected fault shaped this response, if any. */
  fault?: 'latency' | 'error' | 'rate_limit_storm' | 'reset' | 'slow_body';
}

export type RequestLogFilter =
  | ((entry: RequestLogEntry) => boolean)
  | (Partial<
      Pick<RequestLogEntry, 'method' | 'path' | 'status' | 'api' | 'grantType' | 'accountId' | 'fault'>
    > & {
      pathPrefix?: string;
    });

function matches(entry: RequestLogEntry, filter: RequestLogFilter | undefined): boolean {
  if (!filter) return true;
  if (typeof filter === 'function') return filter(entry);
  const { pathPrefix, ...exact } = filter;
  if (pathPrefix !== undefined && !entry.path.startsWith(pathPrefix)) return false;
  for (const [key, value] of Object.entries(exact)) {
    if (value === undefined) continue;
    const actual = entry[key as keyof RequestLogEntry];
    if (key === 'method' ? String(actual).toUpperCase() !== String(value).toUpperCase() : actual !== value)
      return false;
  }
  return true;
}

/** The request log exposed as `sim.log`. */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];

  /** Appends an entry (called by the simulator's outermost middleware). */
  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** Entries matching a filter (an object of exact fields plus `pathPrefix`, or a predicate). */
  filter(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.entries.filter((e) => matches(e, filter));
  }

  /** Number of entries matching a filter, e.g. `count({ grantType: 'refresh_token' })`. */
  count(filter?: RequestLogFilter): number {
    return this.filter(filter).length;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
