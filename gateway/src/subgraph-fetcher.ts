// How the gateway reaches subgraphs: undici, one Pool per subgraph origin, keep-alive connections whose
// idle sockets are dropped (CLIENT_IDLE_SOCKET_MS) well before our servers close them
// (SERVER_KEEP_ALIVE_MS). Stock @apollo/gateway pools sockets with no idle limit, so a request
// could go out on a socket the subgraph was closing at that instant: ECONNRESET / "socket hang
// up" under load. undici's Pool.request() also skips the WHATWG stream machinery of fetch: less CPU
// per subgraph call, which is most of what a small query costs the gateway.
//
// Identical queries in flight at once are sent once (`dedupe`): same URL, same body (query and
// variables) and the same headers, every forwarded one included (the caller's Authorization),
// so no caller ever receives an answer fetched for someone else. Mutations never are. Each
// caller parses the answer itself (no shared objects). Read-your-writes: a query joins only a
// request sent after the last mutation made with the same Authorization completed, so a query
// sent after one's own mutation returned never gets an answer read before it. The data source
// opts a request out (NO_DEDUPE_HEADER) when the caller's token was refused (the subgraph must
// see it and say so) and for live events (their data must postdate the event).
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { Pool } from 'undici';
import { CLIENT_IDLE_SOCKET_MS } from '@fffoto/shared/http';
import { recordSubgraphFetch } from '@fffoto/shared/metrics';
import { endSpan, startClientSpan } from '@fffoto/shared/tracing';

export const subgraphConnections = { keepAliveTimeout: CLIENT_IDLE_SOCKET_MS, keepAliveMaxTimeout: CLIENT_IDLE_SOCKET_MS, connections: 256 };

/**
 * One connection pool per subgraph origin, reached directly: an Agent would find the pool by
 * origin again on every call, through its redirect handling (the gateway never follows one).
 */
const poolsByOrigin = new Map<string, Pool>();
const targets = new Map<string, { pool: Pool; path: string }>();
function targetOf(url: string): { pool: Pool; path: string } {
  let target = targets.get(url);
  if (!target) {
    const { origin, pathname, search } = new URL(url);
    let pool = poolsByOrigin.get(origin);
    if (!pool) poolsByOrigin.set(origin, (pool = new Pool(origin, subgraphConnections)));
    target = { pool, path: `${pathname}${search}` };
    // Subgraph URLs are configuration: a handful, so kept.
    targets.set(url, target);
  }
  return target;
}

const GRAPHQL_JSON = /^application\/(json|graphql-response\+json)\b/i;
/** Set by the data source on a request that must be sent on its own; never sent to the subgraph. */
export const NO_DEDUPE_HEADER = 'x-fffoto-no-dedupe';
/** Mutation completions remembered per Authorization (read-your-writes), at most this many. */
const WRITERS_REMEMBERED = 10_000;
const MUTATION = /^\{"query":"\s*mutation\b/;

type HeaderRecord = Readonly<Record<string, string>>;

interface Answer {
  status: number;
  /** The reason phrase the subgraph sent ("Unauthorized"): stock's error message carries it. */
  statusText: string;
  /** Lower-case names, as undici gives them (repeated ones joined with ", "). */
  headers: HeaderRecord;
  text: string;
}

/**
 * Headers as the Fetcher interface (and RemoteGraphQLDataSource) wants them, over a record of
 * lower-case names: an answer's straight off undici's record, where a WHATWG Headers validated
 * and copied every header of every subgraph answer, then read two of them. Writes go to a copy
 * of one's own, so callers that joined one answer never see each other's changes.
 */
export class PlainHeaders implements FetcherHeaders {
  private own: Record<string, string> | undefined;
  constructor(private readonly shared: HeaderRecord = {}) {}
  /** The headers as a record (lower-case names), for a FetcherRequestInit. */
  record(): HeaderRecord {
    return this.all;
  }
  private get all(): HeaderRecord {
    return this.own ?? this.shared;
  }
  private writable(): Record<string, string> {
    return (this.own ??= { ...this.shared });
  }
  /** Own entries only: a record is a plain object, and `constructor` is no header. */
  private read(key: string): string | undefined {
    return Object.hasOwn(this.all, key) ? this.all[key] : undefined;
  }
  get(name: string): string | null {
    return this.read(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return Object.hasOwn(this.all, name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.writable()[name.toLowerCase()] = String(value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.read(key);
    this.writable()[key] = before === undefined ? String(value) : `${before}, ${value}`;
  }
  delete(name: string): void {
    delete this.writable()[name.toLowerCase()];
  }
  entries(): IterableIterator<[string, string]> {
    return Object.entries(this.all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return [...this.entries()].map(([k]) => k)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return [...this.entries()].map(([, v]) => v)[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

export interface FetcherStats {
  /** Requests the gateway's plans made to subgraphs. */
  requests: number;
  /** Of those, answered by an identical request already in flight. */
  deduplicated: number;
}

export interface SubgraphFetcher extends Fetcher {
  stats(): FetcherStats;
}

/** One HTTP call, timed per subgraph (metrics.ts) and, with tracing on, a client span whose traceparent goes along. */
async function send(url: string, init: FetcherRequestInit, headers: Record<string, string>, options: FetcherOptions): Promise<Answer> {
  const subgraph = options.subgraphOf?.(url) ?? 'unknown';
  const startedAt = performance.now();
  // After the dedupe key was made: a trace id must not keep identical requests apart.
  const span = startClientSpan(`POST ${subgraph}`, headers, { 'fffoto.subgraph': subgraph });
  try {
    const answer = await sendNow(url, init, headers, options.timeoutMs);
    recordSubgraphFetch(subgraph, true, startedAt);
    endSpan(span, { status: answer.status });
    return answer;
  } catch (error) {
    recordSubgraphFetch(subgraph, false, startedAt);
    endSpan(span, { error });
    throw error;
  }
}

async function sendNow(url: string, init: FetcherRequestInit, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  const { pool, path } = targetOf(url);
  const res = await pool.request({
    path,
    method: (init.method ?? 'POST') as 'POST',
    headers,
    body: init.body as string,
    // A subgraph that never answers fails this call (SERVICE_UNAVAILABLE), and every caller
    // that joined it, instead of holding them for undici's 300 s default.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  // No prototype: a header named `__proto__` or `constructor` is a header like any other.
  const answerHeaders: Record<string, string> = Object.create(null);
  for (const name in res.headers) {
    const value = res.headers[name];
    if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: res.statusCode, statusText: res.statusText ?? '', headers: answerHeaders, text };
}

/**
 * A subgraph's GraphQL answer is data for the gateway whatever its HTTP status (a subgraph says
 * 401 or 503 for a field that needed a viewer): it is passed on as 200, so the gateway merges
 * its errors (code, message, path) with everything else and sets its own status from the whole
 * response (response-integrity.ts). Stock behaviour replaces the subgraph's errors with "401: Unauthorized".
 */
function graphqlStatus(answer: Answer): number {
  if (answer.status < 300 || !GRAPHQL_JSON.test(answer.headers['content-type'] ?? '')) return answer.status;
  try {
    return Array.isArray((JSON.parse(answer.text) as { errors?: unknown }).errors) ? 200 : answer.status;
  } catch {
    return answer.status; // not GraphQL: the stock handling reports the status
  }
}

/** The answer as the Fetcher interface's response, one per caller. */
function responseOf(url: string, answer: Answer): FetcherResponse {
  const status = graphqlStatus(answer);
  const response: FetcherResponse = {
    ok: status >= 200 && status < 300,
    status,
    statusText: answer.statusText,
    url,
    redirected: false,
    bodyUsed: false,
    headers: new PlainHeaders(answer.headers),
    text: async () => answer.text,
    json: async () => JSON.parse(answer.text),
    arrayBuffer: async () => new TextEncoder().encode(answer.text).buffer as ArrayBuffer,
    clone: () => responseOf(url, answer),
  };
  return response;
}

interface FetcherOptions {
  dedupe: boolean;
  timeoutMs: number;
  /** The subgraph a URL belongs to, for metrics and spans. */
  subgraphOf?: (url: string) => string | undefined;
}

export function subgraphFetcher(options: FetcherOptions): SubgraphFetcher {
  const inFlight = new Map<string, { answer: Promise<Answer>; sentAt: number }>();
  /** When the last mutation sent with each Authorization completed (performance.now()). */
  const lastWrite = new Map<string, number>();
  const stats: FetcherStats = { requests: 0, deduplicated: 0 };
  const fetcher = (async (url: string, init: FetcherRequestInit = {}) => {
    stats.requests++;
    const { [NO_DEDUPE_HEADER]: optOut, ...headers } = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? init.body : undefined;
    const writer = headers.authorization ?? '';
    if (body && MUTATION.test(body)) {
      try {
        return responseOf(url, await send(url, init, headers, options));
      } finally {
        lastWrite.delete(writer);
        lastWrite.set(writer, performance.now());
        if (lastWrite.size > WRITERS_REMEMBERED) lastWrite.delete(lastWrite.keys().next().value!);
      }
    }
    if (!options.dedupe || !body || optOut) return responseOf(url, await send(url, init, headers, options));
    const key = `${url}\n${JSON.stringify(headers)}\n${body}`;
    const joinable = inFlight.get(key);
    if (joinable && joinable.sentAt > (lastWrite.get(writer) ?? -Infinity)) {
      stats.deduplicated++;
      return responseOf(url, await joinable.answer);
    }
    const entry = { answer: send(url, init, headers, options), sentAt: performance.now() };
    inFlight.set(key, entry);
    void entry.answer.finally(() => inFlight.get(key) === entry && inFlight.delete(key)).catch(() => undefined);
    return responseOf(url, await entry.answer);
  }) as SubgraphFetcher;
  fetcher.stats = () => ({ ...stats });
  return fetcher;
}
