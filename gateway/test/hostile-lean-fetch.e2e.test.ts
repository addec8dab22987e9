// Hostile tests of the gateway's per-request CPU cuts (plain `{}` result objects, lean subgraph
// fetch, `typename\u0000id` representation keys, answers written as strings): through the real
// gateway, ours must answer as stock @apollo/gateway does (the same JSON text, the same status),
// whatever names a client picks for its aliases and whatever ids a subgraph sends, and one
// client's query must never change the process for the next.
// Subgraphs: the parity fixture's four and two of this file's (fixtures/hostile-lean-fetch/).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, startGateways, type Gateways } from './fixtures/hostile-lean-fetch/gateways.ts';
import { WORDS } from './fixtures/hostile-lean-fetch/subgraphs.ts';

let g: Gateways;
beforeAll(async () => {
  g = await startGateways();
});
afterAll(async () => {
  await g?.stop();
});

/** The answers of stock, ours, and ours with stock's executor; the last two must be stock's. */
async function expectStock(query: string, variables?: Record<string, unknown>): Promise<string> {
  const stock = await ask(g.stock, query, variables);
  for (const url of [g.ours, g.oursStockExecutor]) {
    const ours = await ask(url, query, variables);
    expect(ours.text, `${url === g.ours ? 'ours' : 'ours, stock executor'}: ${query}`).toBe(stock.text);
    expect(ours.status).toBe(stock.status);
  }
  return stock.text;
}

describe("response keys named like Object.prototype's members", () => {
  // Aliases a client may choose, on leaves, __typename, lists, objects and entity-fetched fields.
  it.each([
    ['leaves', '{ users { id constructor: name toString: username hasOwnProperty: id valueOf: id } }', '"constructor":"Ada","toString":"ada"'],
    ['__typename', '{ users { constructor: __typename isPrototypeOf: __typename } }', '"constructor":"User"'],
    ['a list', '{ topProducts { upc constructor: reviews { id } } }', '"constructor":[{"id":"1"}'],
    ['an object', '{ latestReviews { id constructor: author { id username } } }', '"constructor":{"id":"1","username":"ada (reviews)"}'],
    ['entity fields, with their errors', '{ latestReviews { author { constructor: email toString: name } product { constructor: price hasOwnProperty: shippingEstimate } } }', '"constructor":899,"hasOwnProperty":50'],
    ['in fragments', '{ items { ... on Book { constructor: pages } ... on Item { toString: title } } search(term: "a") { ... on Product { constructor: upc } ... on Film { toString: minutes } } }', '"constructor":412'],
    ['variables named so', 'query ($constructor: ID!, $toString: ID!, $hasOwnProperty: ID!) { a: user(id: $constructor) { id } b: user(id: $toString) { id } c: user(id: $hasOwnProperty) { constructor: id } }', '"c":{"constructor":"3"}'],
  ])('%s: the answer is stock\'s', async (_name, query, needle) => {
    const text = await expectStock(query, { constructor: '1', toString: '2', hasOwnProperty: '3' });
    expect(text).toContain(needle);
  });

  it('a query walking constructor → prototype writes nothing on Object or Object.prototype', async () => {
    const query = '{ chain { id constructor: next { id hostileOnObject: id prototype: next { hostileOnPrototype: id } } } }';
    try {
      expect(await expectStock(query)).toContain('"prototype":{"hostileOnPrototype":"link 2"}');
    } finally {
      const polluted = { object: Object.hasOwn(Object, 'hostileOnObject'), prototype: Object.hasOwn(Object.prototype, 'hostileOnPrototype') };
      delete (Object as unknown as Record<string, unknown>).hostileOnObject;
      delete (Object.prototype as Record<string, unknown>).hostileOnPrototype;
      expect(polluted, 'the query wrote onto the process\'s Object / Object.prototype').toEqual({ object: false, prototype: false });
    }
  });
});

describe('representations merged by key', () => {
  it('ids holding U+0000, empty, JSON-like, repeated, and type names one the prefix of another: each gets its own entity', async () => {
    const text = await expectStock('{ gears { ... on Cog { id label } ... on Cogs { id label } } }');
    expect(text).toContain('{"id":"s1","label":"Cog \\"s1\\""},{"id":"1","label":"Cogs \\"1\\""}');
    expect(text).toContain('{"id":"a\\u0000b","label":"Cogs \\"a\\\\u0000b\\""}');
  });
});

describe('answers written as strings', () => {
  it('content-length is the byte count actually sent for emoji, CJK and combining marks, and the body parses', async () => {
    const query = '{ words }';
    const { headers, bytes } = await new Promise<{ headers: Record<string, unknown>; bytes: Buffer }>((resolve, reject) => {
      const url = new URL(g.ours);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query }));
    });
    expect(headers['transfer-encoding']).toBeUndefined();
    expect(Number(headers['content-length'])).toBe(bytes.length);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ data: { words: WORDS } });
    expect(bytes.toString('utf8')).toBe(await expectStock(query));
  });
});
