// Hostile tests of the gateway's own subgraph call (app.ts SubgraphDataSource.send, in place of
// stock RemoteGraphQLDataSource.process) and its per-origin undici Pool (subgraph-fetcher.ts),
// against a subgraph written by hand (fixtures/hostile-subgraph-answers/): odd statuses, bodies
// and headers, a late answer, a routing URL with a query string and two subgraphs on one origin.
// Ours is compared with stock @apollo/gateway, except where ours differs on purpose:
// SERVICE_UNAVAILABLE for unreachable subgraphs (subgraph-outage.ts) and GraphQL answers with a
// 4xx/5xx status passed on as data (subgraph-fetcher.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, startGateways, type Answer, type Gateways } from './fixtures/hostile-subgraph-answers/gateways.ts';

let g: Gateways;
beforeAll(async () => { g = await startGateways(); });
afterAll(async () => { await g?.stop(); });

const ROOT = 'query ($mode: String!) { probe(mode: $mode) }';
const ENTITY = 'query ($mode: String!) { posts { id probe(mode: $mode) } }';

/** What a client can act on: data, and each error's code and path (messages compared apart). */
const shape = (a: Answer) => ({ data: a.body.data, errors: a.body.errors?.map((e) => ({ code: e.extensions?.code, path: e.path })) });

describe('a good answer with odd header names', () => {
  // undici before 7 read response header names off a plain object: an answer with a
  // `constructor` or `__proto__` header threw "val.push is not a function" and ours reported the
  // subgraph SERVICE_UNAVAILABLE, where stock answers (fixed in undici 7.30, nodejs/undici#4923).
  it.each(['header-constructor', 'header-proto'])('%s: the answer is stock\'s', async (mode) => {
    for (const query of [ROOT, ENTITY]) {
      const stock = await ask(g.stock, query, { mode });
      const ours = await ask(g.ours, query, { mode });
      expect(ours.text, query).toBe(stock.text);
    }
  });

});

describe('error answers', () => {
  it.each([
    ['html-401', 'UNAUTHENTICATED'],
    ['empty-401', 'UNAUTHENTICATED'],
    ['html-403', 'FORBIDDEN'],
    ['html-404', 'INTERNAL_SERVER_ERROR'],
  ])('a non-GraphQL %s: data, code, path, status and the subgraph\'s body are stock\'s', async (mode, code) => {
    for (const query of [ROOT, ENTITY]) {
      const stock = await ask(g.stock, query, { mode });
      const ours = await ask(g.ours, query, { mode });
      expect(shape(ours), query).toEqual(shape(stock));
      expect(shape(ours).errors?.[0]?.code).toBe(code);
      // "401: Unauthorized", with the subgraph's reason phrase, as stock says it.
      expect(ours.body.errors?.map((e) => e.message), query).toEqual(stock.body.errors?.map((e) => e.message));
      expect(ours.status).toBe(stock.status);
      const response = (a: Answer) => (a.body.errors?.[0]?.extensions?.response as { status: number; body: unknown });
      expect({ status: response(ours).status, body: response(ours).body }).toEqual({ status: response(stock).status, body: response(stock).body });
    }
  });

  it.each(['gql-401', 'gql-403', 'gql-500'])('a GraphQL answer with %s is data: the subgraph\'s own error, code and path', async (mode) => {
    const status = mode.slice(-3);
    const root = await ask(g.ours, ROOT, { mode });
    expect(root.body).toEqual({ data: { probe: null }, errors: [{ message: `refused with ${status}`, extensions: { code: `CODE_${status}`, serviceName: 'scripted' } }] });
  });

  it.each([
    ['html-500', 5], ['html-502', 5], ['html-503-retry', 17], ['html-429', 5], ['cut-off', 5],
  ])('%s: SERVICE_UNAVAILABLE at each field\'s path, Retry-After from the subgraph', async (mode, retryAfterSeconds) => {
    const root = await ask(g.ours, ROOT, { mode });
    expect(root.status).toBe(503);
    expect(shape(root)).toEqual({ data: { probe: null }, errors: [{ code: 'SERVICE_UNAVAILABLE', path: ['probe'] }] });
    expect(root.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(retryAfterSeconds);
    const entity = await ask(g.ours, ENTITY, { mode });
    expect(entity.status).toBe(200);
    expect(shape(entity).errors).toEqual([0, 1].map((i) => ({ code: 'SERVICE_UNAVAILABLE', path: ['posts', i] })));
  });

  it('a 200 that is not JSON fails as stock does', async () => {
    const stock = await ask(g.stock, ENTITY, { mode: 'plain-200' });
    expect((await ask(g.ours, ENTITY, { mode: 'plain-200' })).text).toBe(stock.text);
  });

  it('an answer later than the timeout is SERVICE_UNAVAILABLE, and never reaches the next caller', async () => {
    const late = await ask(g.ours, ROOT, { mode: 'late' });
    expect(shape(late)).toEqual({ data: { probe: null }, errors: [{ code: 'SERVICE_UNAVAILABLE', path: ['probe'] }] });
    // The late answer says "ok" for `probe`: each next call must get its own.
    const next = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(g.ours, `{ probe(mode: "gql-${i % 2 ? 401 : 403}") }`)));
    for (const [i, a] of next.entries()) expect(a.body.errors?.[0]?.message).toBe(`refused with ${i % 2 ? 401 : 403}`);
  });
});

describe('one pool per origin', () => {
  it('the routing URL\'s query string is sent, and two subgraphs on one origin each get their path', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => ask(g.ours, '{ path twinPath }')));
    for (const a of answers) expect(a.body).toEqual({ data: { path: '/graphql?tenant=a', twinPath: '/twin' } });
    expect((await ask(g.stock, '{ path twinPath }')).text).toBe(answers[0]!.text);
  });
});
