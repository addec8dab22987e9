// A subgraph answer's Cache-Control, as a hint on the client's response: stock
// RemoteGraphQLDataSource's respond() (honorSubgraphCacheControlHeader on), for the data
// source's own process (app.ts), which leaves out what stock builds and nobody reads.
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { parseCacheControlHeader } from '@apollo/gateway/dist/datasources/parseCacheControlHeader.js';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import type { FetcherResponse } from '@apollo/utils.fetcher';

/** The subgraph's Cache-Control as a hint on the client's response (stock's respond(), honorSubgraphCacheControlHeader on). */
export function restrictCachePolicy(options: GraphQLDataSourceProcessOptions, response: FetcherResponse): void {
  if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) return;
  const policy = options.incomingRequestContext.overallCachePolicy;
  if (!policy || !('restrict' in policy)) return;
  const parsed = parseCacheControlHeader(response.headers.get('cache-control'));
  const maxAge = parsed['max-age'];
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0 };
  if (parsed.private === true) hint.scope = 'PRIVATE';
  if (parsed.public === true) hint.scope = 'PUBLIC';
  policy.restrict(hint);
}
