// Regressions found by hostile testing of the level executor (execution/): answers that must be
// stock @apollo/gateway's. The parity subgraphs (fixtures/federation-parity) run behind a small
// proxy that can tamper with a subgraph's answer, as a misbehaving subgraph would.
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, startGateway } from '../src/app.ts';
import { paritySubgraphs } from './fixtures/federation-parity/subgraphs.ts';

type Answer = { data?: Record<string, unknown> | null; errors?: unknown[] };
/** Rewrites a subgraph's answer to an `_entities` fetch (set per test). */
let tamper: ((service: string, answer: Answer) => void) | undefined;
const stops: Array<() => Promise<unknown>> = [];
let stockUrl: string;
let oursUrl: string;
let dir: string;

/** A pass-through proxy in front of a subgraph, applying `tamper` to entity fetches. */
async function proxy(service: string, target: string): Promise<string> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await upstream.json()) as Answer;
    if (body.includes('_entities')) tamper?.(service, answer);
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  const urls: Record<string, string> = {};
  for (const [name, module] of Object.entries(paritySubgraphs)) {
    const server = new ApolloServer({ schema: buildSubgraphSchema(module), includeStacktraceInErrorResponses: false, csrfPrevention: false });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    stops.push(() => server.stop());
    urls[name] = await proxy(name, url);
  }
  const composed = composeServices(Object.entries(paritySubgraphs).map(([name, m]) => ({ name, url: urls[name], typeDefs: m.typeDefs })));
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  dir = mkdtempSync(path.join(tmpdir(), 'fffoto-hostile-'));
  writeFileSync(path.join(dir, 'supergraph.graphql'), composed.supergraphSdl);
  const stock = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }) });
  stockUrl = (await startStandaloneServer(stock, { listen: { port: 0, host: '127.0.0.1' } })).url;
  stops.push(() => stock.stop());
  const ours = await startGateway(
    loadGatewayConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1', GATEWAY_PORT: '0', SUPERGRAPH_FILE: path.join(dir, 'supergraph.graphql') }),
  );
  oursUrl = ours.url;
  stops.push(() => ours.stop());
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function both(body: Record<string, unknown>): Promise<{ stock: string; ours: string }> {
  const ask = async (url: string) =>
    (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).text();
  return { stock: await ask(stockUrl), ours: await ask(oursUrl) };
}

describe('the level executor answers as stock does', () => {
  it('a client variable named `representations` that no entity fetch uses', async () => {
    const { stock, ours } = await both({
      query: 'query Q($representations: Int) { topProducts(first: $representations) { name inStock } }',
      variables: { representations: 2 },
    });
    expect(stock.trim()).toBe('{"data":{"topProducts":[{"name":"Table","inStock":true},{"name":"Couch","inStock":false}]}}');
    expect(ours).toBe(stock);
  });

  it('an undeclared `representations` variable sent along (graphql ignores it)', async () => {
    const { stock, ours } = await both({ query: '{ topProducts(first: 2) { name inStock } }', variables: { representations: 1 } });
    expect(ours).toBe(stock);
  });

  it('a subgraph answering fewer entities than asked: an error, never data of one entity under another', async () => {
    tamper = (service, answer) => {
      const entities = answer.data?._entities;
      if (service === 'accounts' && Array.isArray(entities)) entities.splice(0, 1);
    };
    try {
      const { stock, ours } = await both({ query: '{ latestReviews { id author { name } } }' });
      expect(stock).toContain('Expected \\"data._entities\\" to contain');
      expect(ours).toBe(stock);
    } finally {
      tamper = undefined;
    }
  });
});
