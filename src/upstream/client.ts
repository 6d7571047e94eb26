import { ApiError } from '../http/errors';
import type { Logger } from '../http/logger';
import {
  type AccountBudgetConfig,
  AccountBudgets,
  type BudgetLimits,
  DEFAULT_ACCOUNT_BUDGET,
} from './account-budget';
import {
  rateLimitedError,
  retryAfterSecondsFromHeaders,
  upstreamErrorFromResponse,
  upstreamUnavailableError,
} from './errors';
import { forwardableHeaders, type HeaderInput } from './headers';
import { NodeStreamBody, nodeBodyOf } from './node-body';

/** Where the client gets DocuSign access tokens; implemented by the token manager. */
export interface TokenSource {
  /**
   * `forceRefresh`: DocuSign answered 401; `rejectedToken` is the token it rejected, so a source that sees a
   * newer token already stored (another caller refreshed) can hand that out instead of refreshing again.
   */
  getAccessToken(
    integratedAccountId: string,
    opts?: { forceRefresh?: boolean; rejectedToken?: string },
  ): Promise<string>;
}

/** Retry, timeout and budget settings of the upstream client. */
export interface UpstreamConfig {
  /** Attempts per request, the first included (a 401's one forced-refresh retry is not counted). */
  maxAttempts: number;
  /** Backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2^(n-1))). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest wait DocuSign (Retry-After, X-RateLimit-Reset) or the budget may impose before we give up. */
  maxRetryAfterMs: number;
  /** Time allowed for one attempt to produce response headers. */
  attemptTimeoutMs: number;
  /** Time allowed for the whole request, retries and waits included, until response headers. */
  deadlineMs: number;
  budget: AccountBudgetConfig;
}

export const DEFAULT_UPSTREAM_CONFIG: UpstreamConfig = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
  attemptTimeoutMs: 30_000,
  deadlineMs: 60_000,
  budget: DEFAULT_ACCOUNT_BUDGET,
};

/** One call to DocuSign. */
export interface UpstreamRequest {
  /** The connection whose credentials are used. */
  integratedAccountId: string;
  /** The DocuSign account whose quota this call spends; defaults to the integrated account. */
  budgetKey?: string;
  /** The connection's own pacing of that account, in place of the configured one (its DocuSign limits were raised). */
  pacing?: Partial<BudgetLimits> | undefined;
  url: string | URL;
  method: string;
  headers?: HeaderInput;
  body?: RequestInit['body'] | ReadableStream<Uint8Array>;
  /** Marks a non-idempotent request as safe to retry (the caller deduplicates). */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Overrides `attemptTimeoutMs` for this call. */
  timeoutMs?: number;
  /**
   * The caller writes the body to a Node socket itself: a large successful body may come back as a
   * `NodeStreamBody` (when the client has a `fetchKeepingNodeBody`) instead of a web stream.
   */
  nodeBody?: boolean;
}

/**
 * DocuSign's answer as `send` returns it. A body that turns out to be at most `SMALL_BODY_BYTES` arrives already
 * read (bytes); a larger one stays a stream that holds the account's concurrency slot until it is read to the end
 * or cancelled.
 */
export interface UpstreamResponse<NodeBody = never> {
  status: number;
  statusText: string;
  headers: Headers;
  /** `NodeBody` (a `NodeStreamBody`) only for requests that set `nodeBody`. */
  body: Uint8Array | ReadableStream<Uint8Array> | NodeBody | null;
}

/** Bodies up to this size are read before `send` returns: one write downstream, the slot freed at once. */
export const SMALL_BODY_BYTES = 64 * 1024;

export interface UpstreamClient {
  /** `request` without the Response wrapper: for callers (the proxy) that build their own response. */
  send(req: UpstreamRequest & { nodeBody: boolean }): Promise<UpstreamResponse<NodeStreamBody>>;
  send(req: UpstreamRequest & { nodeBody?: false }): Promise<UpstreamResponse>;
  /**
   * Sends the request with retries and returns DocuSign's response. A body over `SMALL_BODY_BYTES` is streamed,
   * not buffered, and the caller must read or cancel it (it holds the account's concurrency slot until then).
   * Throws ApiError when there is no usable answer: `upstream_unavailable` (timeouts, resets, 5xx after
   * retries), `rate_limited` (429 after retries, or a wait longer than allowed), `upstream_error` 502 (401
   * after the forced token refresh). Other statuses (2xx, 3xx, 4xx) are returned as they came.
   */
  request(req: UpstreamRequest): Promise<Response>;
  /** Sends the request and parses a JSON body; throws the translated ApiError on any non-2xx. */
  json<T>(req: UpstreamRequest): Promise<T>;
}

export interface UpstreamClientDeps {
  fetch: typeof fetch;
  /**
   * Node: `fetch` that keeps a successful body as a Node stream (`keepNodeBody`), used for every request that sends
   * no stream: the client reads it as bytes, or hands it over (as a Node stream to requests that set `nodeBody`).
   */
  fetchKeepingNodeBody?: typeof fetch;
  tokens: TokenSource;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  config?: Partial<Omit<UpstreamConfig, 'budget'>> & { budget?: Partial<AccountBudgetConfig> };
  logger?: Logger;
}

// Credentials of the gateway's own caller never go to DocuSign (hop-by-hop headers are dropped as well).
const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'host']);
const NO_HEADERS: ReadonlySet<string> = new Set();
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** The upstream client as built: the calls, and a view of each DocuSign account's budget (tests, metrics). */
export interface PacedUpstreamClient extends UpstreamClient {
  /** Calls of `budgetKey` (a DocuSign account id) in flight and queued for a slot; undefined before its first call. */
  budgetState(budgetKey: string): ReturnType<AccountBudgets['snapshot']>;
}

/** Builds the one client through which every DocuSign call goes. */
export function createUpstreamClient(deps: UpstreamClientDeps): PacedUpstreamClient {
  const config: UpstreamConfig = {
    ...DEFAULT_UPSTREAM_CONFIG,
    ...deps.config,
    budget: { ...DEFAULT_UPSTREAM_CONFIG.budget, ...deps.config?.budget },
  };
  const now = deps.now ?? (() => Date.now());
  const rawSleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sleep = (ms: number, signal?: AbortSignal) => abortable(rawSleep(ms), signal);
  const random = deps.random ?? Math.random;
  const budgets = new AccountBudgets(config.budget, { now, sleep });
  const log = deps.logger;

  async function request(req: UpstreamRequest): Promise<Response> {
    return asResponse(await exchange({ ...req, nodeBody: false }, SMALL_BODY_BYTES));
  }

  // Only a request that set `nodeBody` can get a NodeStreamBody back, which is what the overloads say.
  const send = ((req: UpstreamRequest) => exchange(req, SMALL_BODY_BYTES)) as UpstreamClient['send'];

  /** `send`, reading bodies of up to `readUpTo` bytes before returning (Infinity: always the whole body). */
  async function exchange(req: UpstreamRequest, readUpTo: number): Promise<UpstreamResponse<NodeStreamBody>> {
    const method = req.method.toUpperCase();
    const url = typeof req.url === 'string' ? req.url : req.url.toString();
    const budgetKey = req.budgetKey ?? req.integratedAccountId;
    const replayable = isReplayable(req.body);
    const retryable = replayable && (IDEMPOTENT_METHODS.has(method) || Boolean(req.idempotencyKey));
    const startedAt = now();
    const deadlineAt = startedAt + config.deadlineMs;
    const attemptTimeout = req.timeoutMs ?? config.attemptTimeoutMs;
    const baseHeaders = forwardableHeaders(req.headers, DROPPED_REQUEST_HEADERS);
    const fetchFn = (replayable && deps.fetchKeepingNodeBody) || deps.fetch;

    let attempt = 0;
    let refreshed = false;
    let forceRefresh = false;
    let lastFailure = '';
    const sentTokens: string[] = [];

    for (;;) {
      attempt++;
      const release = await budgets.acquire(
        budgetKey,
        Math.min(config.maxRetryAfterMs, Math.max(0, deadlineAt - now())),
        req.signal,
        req.pacing,
      );
      let handedOver = false;
      try {
        const token = await deps.tokens.getAccessToken(
          req.integratedAccountId,
          forceRefresh ? { forceRefresh, rejectedToken: sentTokens.at(-1) } : {},
        );
        forceRefresh = false;
        sentTokens.push(token);
        const headers = { ...baseHeaders, authorization: `Bearer ${token}` };
        const timeout = Math.max(1, Math.min(attemptTimeout, deadlineAt - now()));

        let res: Response;
        try {
          res = await fetchWithTimeout(fetchFn, url, method, headers, req.body, timeout, req.signal);
        } catch (err) {
          if (req.signal?.aborted) throw req.signal.reason;
          const failure =
            err instanceof AttemptTimeout ? `no response within ${timeout} ms` : networkReason(err);
          lastFailure = failure;
          if (!(err instanceof AttemptTimeout) && !isConnectionError(err)) throw err;
          const delay = backoff(attempt);
          if (retryable && attempt < config.maxAttempts && now() + delay < deadlineAt) {
            log?.warn('upstream retry', {
              method,
              url: describeUrl(url),
              attempt,
              reason: failure,
              delay_ms: delay,
            });
            release();
            await sleep(delay, req.signal);
            continue;
          }
          throw upstreamUnavailableError(`DocuSign is unavailable: ${failure}`, {
            attempts: attempt,
            reason: failure,
          });
        }

        budgets.observe(budgetKey, res.headers);

        if (res.status === 401) {
          if (!refreshed && replayable) {
            refreshed = true;
            forceRefresh = true;
            attempt--; // the forced-refresh retry does not spend the retry budget
            discard(res);
            log?.info('upstream 401, refreshing token once', { method, url: describeUrl(url) });
            continue;
          }
          const error = await upstreamErrorFromResponse(res, { redact: sentTokens, now: now() });
          if (!replayable && !refreshed) {
            // The body cannot be sent again, but the next call must not meet the same rejected token.
            await deps.tokens
              .getAccessToken(req.integratedAccountId, { forceRefresh: true, rejectedToken: token })
              .catch((err: unknown) => {
                log?.warn('token refresh after upstream 401 failed', {
                  integrated_account_id: req.integratedAccountId,
                  error: err instanceof Error ? err.message : String(err),
                });
              });
            throw new ApiError(
              'upstream_error',
              `${error.message} (the request body was a stream, so it was not retried; the token has been refreshed, retry the call)`,
              error.details,
            );
          }
          throw error;
        }

        if (RETRYABLE_STATUSES.has(res.status)) {
          const askedSeconds = retryAfterSecondsFromHeaders(res.headers, now());
          const askedMs = askedSeconds === undefined ? undefined : askedSeconds * 1000;
          lastFailure = `HTTP ${res.status}`;
          // DocuSign's limits are per account: every request of this account waits, not just this one.
          if (res.status === 429 && askedMs !== undefined) budgets.pause(budgetKey, now() + askedMs);
          if (askedMs !== undefined && askedMs > config.maxRetryAfterMs) {
            discard(res);
            throw rateLimitedOrUnavailable(res.status, askedSeconds ?? 1, lastFailure);
          }
          const delay = askedMs ?? backoff(attempt);
          if (retryable && attempt < config.maxAttempts && now() + delay < deadlineAt) {
            discard(res);
            log?.warn('upstream retry', {
              method,
              url: describeUrl(url),
              attempt,
              status: res.status,
              delay_ms: delay,
            });
            release();
            await sleep(delay, req.signal);
            continue;
          }
          throw await upstreamErrorFromResponse(res, {
            redact: sentTokens,
            now: now(),
            fallbackRetryAfterSeconds: Math.max(1, (askedMs ?? config.baseDelayMs) / 1000),
          });
        }

        if (res.status >= 500) throw await upstreamErrorFromResponse(res, { redact: sentTokens, now: now() });

        const kept = nodeBodyOf(res);
        if (kept) {
          const answer = { status: res.status, statusText: res.statusText, headers: res.headers };
          if (
            readUpTo === Number.POSITIVE_INFINITY ||
            (kept.length !== undefined && kept.length <= readUpTo)
          ) {
            return { ...answer, body: await readAll(kept) };
          }
          handedOver = true;
          // A Node stream closes once read to the end, failed or destroyed: the slot comes back then.
          kept.stream.once('close', release);
          return { ...answer, body: req.nodeBody ? kept : kept.toWeb() };
        }
        const head = await readHead(res, readUpTo);
        const small = head.rest === undefined;
        handedOver = !small;
        return {
          status: res.status,
          statusText: res.statusText,
          headers: res.headers,
          body: small ? head.bytes : releaseWhenBodyEnds(head.chunks, head.rest!, release),
        };
      } finally {
        if (!handedOver) release();
      }
    }
  }

  function backoff(attempt: number): number {
    const cap = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(random() * cap);
  }

  async function json<T>(req: UpstreamRequest): Promise<T> {
    const headers = forwardableHeaders(req.headers, NO_HEADERS);
    headers.accept ??= 'application/json';
    // The whole body is needed anyway: read it as bytes and decode it directly, not through a Response and a stream.
    const res = await exchange({ ...req, headers, nodeBody: false }, Number.POSITIVE_INFINITY);
    if (res.status < 200 || res.status > 299)
      throw await upstreamErrorFromResponse(asResponse(res), { now: now() });
    const text = res.body instanceof Uint8Array ? textDecoder.decode(res.body) : '';
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('upstream_error', 'DocuSign answered with a body that is not JSON', {
        status: res.status,
        content_type: res.headers.get('content-type'),
      });
    }
  }

  return { send, request, json, budgetState: (key) => budgets.snapshot(key) };
}

const textDecoder = new TextDecoder();

function asResponse(res: UpstreamResponse<NodeStreamBody>): Response {
  // Only `send` callers that asked for a Node body get one; `request` and `json` never ask.
  if (res.body instanceof NodeStreamBody) throw new TypeError('a Node stream body cannot become a Response');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

class AttemptTimeout extends Error {
  constructor() {
    super('upstream attempt timed out');
    this.name = 'AttemptTimeout';
  }
}

/** One fetch whose wait for response headers is bounded; the caller's signal keeps governing the body. */
async function fetchWithTimeout(
  fetchFn: typeof fetch,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: UpstreamRequest['body'],
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
): Promise<Response> {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new AttemptTimeout());
  }, timeoutMs);
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers,
    body: (body ?? null) as RequestInit['body'],
    signal: controller.signal,
    // Following a redirect would carry the bearer token to wherever DocuSign points; the caller decides.
    redirect: 'manual',
  };
  if (body instanceof ReadableStream) init.duplex = 'half';
  try {
    return await raceAbort(fetchFn(url, init), controller.signal);
  } catch (err) {
    if (timedOut) throw new AttemptTimeout();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Settles with the fetch, or rejects as soon as the signal aborts even if the fetch ignores it (late bodies are cancelled). */
function raceAbort(pending: Promise<Response>, signal: AbortSignal): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      pending.then(discard, () => {});
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (res) => {
        signal.removeEventListener('abort', onAbort);
        resolve(res);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function rateLimitedOrUnavailable(status: number, seconds: number, failure: string): ApiError {
  if (status === 429) return rateLimitedError(seconds);
  const error = upstreamUnavailableError(
    `DocuSign is unavailable (${failure}); it asked to wait ${Math.ceil(seconds)} s`,
  );
  return new ApiError(error.code, error.message, undefined, {
    'retry-after': String(Math.max(1, Math.ceil(seconds))),
  });
}

/** True for bodies fetch can send again: absent, strings, bytes, blobs, form data; not streams. */
function isReplayable(body: UpstreamRequest['body']): boolean {
  return !(body instanceof ReadableStream);
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Connection-level failures (reset, refused, socket closed, "fetch failed") as opposed to programming errors. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = errorCode(err);
  if (code && CONNECTION_CODES.has(code)) return true;
  // undici and Workers report network failures as TypeError('fetch failed' / 'Network connection lost').
  return err instanceof TypeError && /fetch failed|network|socket|terminated/i.test(err.message);
}

function errorCode(err: Error): string | undefined {
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (err as { cause?: unknown }).cause;
  if (cause && typeof cause === 'object') {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return 'network error';
  const code = errorCode(err);
  return code ? `${err.message} (${code})` : err.message;
}

/** Origin and path only: query strings may carry personal data (emails, names). */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '[invalid url]';
  }
}

/** Frees the socket of a response we will not read; not awaited, as a cancel may wait on the peer. */
function discard(res: Response): void {
  res.body?.cancel().catch(() => {
    // The body is being thrown away; a failure to cancel changes nothing.
  });
}

function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The whole of a kept Node body; a connection lost while reading is reported like one lost before the headers. */
async function readAll(body: NodeStreamBody): Promise<Uint8Array> {
  try {
    return await body.bytes();
  } catch (err) {
    throw lostWhileReading(err);
  }
}

/** A connection lost while reading a body, reported like one lost before the headers; other errors as they are. */
function lostWhileReading(err: unknown): unknown {
  if (!isConnectionError(err)) return err;
  const reason = networkReason(err);
  return upstreamUnavailableError(`DocuSign is unavailable: ${reason}`, { reason });
}

type BodyHead =
  | { bytes: Uint8Array | null; chunks?: undefined; rest?: undefined }
  | { bytes?: undefined; chunks: Uint8Array[]; rest: ReadableStreamDefaultReader<Uint8Array> };

/**
 * Reads the body until it ends or passes `limit` bytes (a declared larger length skips the read-ahead):
 * either all of it (`bytes`), or what was read so far plus the reader for the rest. A connection lost while
 * reading is reported like one lost before the headers.
 */
async function readHead(res: Response, limit: number): Promise<BodyHead> {
  if (!res.body) return { bytes: null };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return { chunks, rest: reader };
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (err) {
      throw lostWhileReading(err);
    }
    if (chunk.done) return { bytes: concat(chunks, size) };
    chunks.push(chunk.value);
    size += chunk.value.byteLength;
    if (size > limit) return { chunks, rest: reader };
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * The rest of a large body as a stream (the chunks already read first) that gives the account's concurrency slot
 * back when it is fully read, fails or is cancelled.
 */
function releaseWhenBodyEnds(
  head: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
  release: () => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const first = head.shift();
        if (first) return controller.enqueue(first);
        try {
          const chunk = await reader.read();
          if (chunk.done) {
            release();
            controller.close();
          } else {
            controller.enqueue(chunk.value);
          }
        } catch (err) {
          release();
          controller.error(err);
        }
      },
      async cancel(reason) {
        release();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
