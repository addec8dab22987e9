// The parts of the gateway's subgraph calls that replace what stock builds per call (app.ts
// SubgraphDataSource.send): the answer's headers (subgraph-fetcher.ts PlainHeaders) and the
// cache hint taken from them (cache-hint.ts), each checked against what stock does.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { describe, expect, it } from 'vitest';
import { restrictCachePolicy } from '../src/cache-hint.ts';
import { PlainHeaders } from '../src/subgraph-fetcher.ts';

describe('PlainHeaders', () => {
  const record = { 'content-type': 'application/json', 'cache-control': 'max-age=5', 'x-b': '2', 'x-a': '1' };

  it('reads like a WHATWG Headers: any case, null when absent, entries sorted', () => {
    const headers = new PlainHeaders(record);
    const whatwg = new Headers(record);
    for (const name of ['Content-Type', 'content-type', 'CACHE-CONTROL', 'x-missing', 'constructor', 'toString', '__proto__']) {
      expect(headers.get(name), name).toBe(whatwg.get(name));
      expect(headers.has(name), name).toBe(whatwg.has(name));
    }
    expect([...headers]).toEqual([...whatwg]);
    expect([...headers.keys()]).toEqual([...whatwg.keys()]);
    expect([...headers.values()]).toEqual([...whatwg.values()]);
  });

  it('writes to its own copy: callers sharing one answer never see each other\'s changes', () => {
    const mine = new PlainHeaders(record);
    const theirs = new PlainHeaders(record);
    mine.set('X-A', 'changed');
    mine.append('x-b', '3');
    mine.delete('cache-control');
    expect(mine.get('x-a')).toBe('changed');
    expect(mine.get('x-b')).toBe('2, 3');
    expect(mine.has('cache-control')).toBe(false);
    expect(theirs.get('x-a')).toBe('1');
    expect(theirs.get('x-b')).toBe('2');
    expect(theirs.get('cache-control')).toBe('max-age=5');
    expect(record['x-a']).toBe('1');
    expect(mine.record()).toEqual({ 'content-type': 'application/json', 'x-b': '2, 3', 'x-a': 'changed' });
  });
});

describe('restrictCachePolicy gives the hint stock gives', () => {
  type Hint = { maxAge?: number; scope?: string };
  const policyRecorder = () => {
    const hints: Hint[] = [];
    return { hints, policy: { restrict: (hint: Hint) => void hints.push(hint) } };
  };
  const responseWith = (cacheControl: string | undefined): FetcherResponse =>
    ({ headers: new PlainHeaders(cacheControl === undefined ? {} : { 'cache-control': cacheControl }) }) as unknown as FetcherResponse;

  it.each([undefined, 'max-age=60', 'public, max-age=30', 'private, max-age=5', 'max-age=abc', 'no-store', 'max-age=10, public, private', 'MAX-AGE=7'])(
    'Cache-Control: %s',
    async (cacheControl) => {
      const response = responseWith(cacheControl);
      const stock = policyRecorder();
      const stockSource = new RemoteGraphQLDataSource({ url: 'http://127.0.0.1:1/graphql' });
      await (stockSource as unknown as { respond(o: object): Promise<unknown> }).respond({
        response: { data: {}, http: response },
        request: {},
        context: {},
        overallCachePolicy: stock.policy,
      });
      const ours = policyRecorder();
      const options = {
        kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
        incomingRequestContext: { overallCachePolicy: ours.policy },
      } as unknown as GraphQLDataSourceProcessOptions;
      restrictCachePolicy(options, response);
      expect(stock.hints).toHaveLength(1);
      expect(ours.hints).toEqual(stock.hints);
    },
  );

  it('gives none for a request the gateway makes on its own (health check, not a client operation)', () => {
    const ours = policyRecorder();
    restrictCachePolicy({ kind: GraphQLDataSourceRequestKind.HEALTH_CHECK } as unknown as GraphQLDataSourceProcessOptions, responseWith('max-age=60'));
    expect(ours.hints).toEqual([]);
  });
});
