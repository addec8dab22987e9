// How the gateway reaches subgraphs: undici's request API over keep-alive connections whose
// idle sockets are dropped (CLIENT_IDLE_SOCKET_MS) well before our servers close them
// (SERVER_KEEP_ALIVE_MS). Stock @apollo/gateway pools sockets with no idle limit, so a request
// could go out on a socket the subgraph was closing at that instant: ECONNRESET / "socket hang
// up" under load. undici's request() also skips the WHATWG stream machinery of fetch: less CPU
// per subgraph call, which is most of what a small query costs the gateway.
//
// Identical queries in flight at once are sent once (`dedupe`): same URL, same body (query and
// variables) and the same headers, every forwarded one included (the caller's Authorization),
// so no caller ever receives an answer fetched for someone else. Mutations never are. Each
// caller parses the answer itself (no shared objects).
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, request } from 'undici';
import { CLIENT_IDLE_SOCKET_MS } from '@fffoto/shared/http';

export const subgraphConnections = { keepAliveTimeout: CLIENT_IDLE_SOCKET_MS, keepAliveMaxTimeout: CLIENT_IDLE_SOCKET_MS, connections: 256 };
const dispatcher = new Agent(subgraphConnections);

const GRAPHQL_JSON = /^application\/(json|graphql-response\+json)\b/i;
const MUTATION = /^\{"query":"\s*mutation\b/;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
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

async function send(url: string, init: FetcherRequestInit): Promise<Answer> {
  const res = await request(url, {
    method: (init.method ?? 'POST') as 'POST',
    headers: init.headers as Record<string, string>,
    body: init.body as string,
    dispatcher,
  });
  const text = await res.body.text();
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return { status: res.statusCode, headers, text };
}

/**
 * A subgraph's GraphQL answer is data for the gateway whatever its HTTP status (a subgraph says
 * 401 or 503 for a field that needed a viewer): it is passed on as 200, so the gateway merges
 * its errors (code, message, path) with everything else and sets its own status from the whole
 * response (response-integrity.ts). Stock behaviour replaces the subgraph's errors with "401: Unauthorized".
 */
function graphqlStatus(answer: Answer): number {
  if (answer.status < 300 || !GRAPHQL_JSON.test(answer.headers.get('content-type') ?? '')) return answer.status;
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
    statusText: '',
    url,
    redirected: false,
    bodyUsed: false,
    headers: answer.headers,
    text: async () => answer.text,
    json: async () => JSON.parse(answer.text),
    arrayBuffer: async () => new TextEncoder().encode(answer.text).buffer as ArrayBuffer,
    clone: () => responseOf(url, answer),
  };
  return response;
}

export function subgraphFetcher(options: { dedupe: boolean }): SubgraphFetcher {
  const inFlight = new Map<string, Promise<Answer>>();
  const stats: FetcherStats = { requests: 0, deduplicated: 0 };
  const fetcher = (async (url: string, init: FetcherRequestInit = {}) => {
    stats.requests++;
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (!options.dedupe || !body || MUTATION.test(body)) return responseOf(url, await send(url, init));
    const key = `${url}\n${JSON.stringify(init.headers ?? {})}\n${body}`;
    let answer = inFlight.get(key);
    if (answer) stats.deduplicated++;
    else {
      answer = send(url, init).finally(() => inFlight.delete(key));
      inFlight.set(key, answer);
    }
    return responseOf(url, await answer);
  }) as SubgraphFetcher;
  fetcher.stats = () => ({ ...stats });
  return fetcher;
}
