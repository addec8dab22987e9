// How the gateway reaches subgraphs: one keep-alive agent per process whose idle sockets are
// dropped (CLIENT_IDLE_SOCKET_MS) well before our servers close them (SERVER_KEEP_ALIVE_MS).
// Stock @apollo/gateway pools sockets with no idle limit, so a request could go out on a socket
// the subgraph was closing at that instant: ECONNRESET / "socket hang up" under load.
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent } from 'node:http';
import fetch, { Response } from 'node-fetch';
import { CLIENT_IDLE_SOCKET_MS } from '@fffoto/shared/http';

export const subgraphAgent = new Agent({ keepAlive: true, timeout: CLIENT_IDLE_SOCKET_MS, maxFreeSockets: 256 });

const GRAPHQL_JSON = /^application\/(json|graphql-response\+json)\b/i;

/**
 * A subgraph's GraphQL answer is data for the gateway whatever its HTTP status (a subgraph says
 * 401 or 503 for a field that needed a viewer): it is passed on as 200, so the gateway merges
 * its errors (code, message, path) with everything else and sets its own status from the whole
 * response (response-integrity.ts). Stock behaviour replaces the subgraph's errors with "401: Unauthorized".
 */
export const subgraphFetcher: Fetcher = async (url, init) => {
  const res = await fetch(url, { ...init, agent: subgraphAgent });
  if (res.ok || !GRAPHQL_JSON.test(res.headers.get('content-type') ?? '')) return res as never;
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) return new Response(text, { status: 200, headers: res.headers }) as never;
  } catch {
    // not GraphQL: the stock handling below reports the status
  }
  return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers }) as never;
};
