// Calls from one subgraph to another (an allowed edge of the mesh policy, listed in the README):
// GraphQL over HTTP with the caller's own Authorization header, so the callee authorises the
// real user, bounded in time. Transport failures and timeouts are SERVICE_UNAVAILABLE; GraphQL
// errors of the callee come back with their codes.
import { GraphQLError } from 'graphql';
import { serviceUnavailable } from './errors.ts';
import { endSpan, startClientSpan } from './tracing.ts';

export interface SubgraphClient {
  request<T>(query: string, variables?: Record<string, unknown>, authorization?: string): Promise<T>;
}

export function createSubgraphClient(name: string, url: string, timeoutMs = 3_000): SubgraphClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}, authorization?: string): Promise<T> {
      let res: Response;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
      // The callee continues this request's trace (traceparent), when tracing is on.
      const span = startClientSpan(`POST ${name}`, headers, { 'fffoto.subgraph': name });
      try {
        res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(timeoutMs) });
        endSpan(span, { status: res.status });
      } catch (error) {
        endSpan(span, { error });
        throw serviceUnavailable(`The ${name} service`);
      }
      const body = (await res.json().catch(() => undefined)) as
        | { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }
        | undefined;
      if (!body) throw serviceUnavailable(`The ${name} service`);
      const first = body.errors?.[0];
      if (first) {
        const { code, ...rest } = first.extensions ?? {};
        throw new GraphQLError(first.message, { extensions: { ...rest, code: code ?? 'INTERNAL_SERVER_ERROR' } });
      }
      if (!body.data) throw serviceUnavailable(`The ${name} service`);
      return body.data;
    },
  };
}
