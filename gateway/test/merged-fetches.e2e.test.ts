// Subgraph calls per query: what the plan strictly needs. On the nested query of The Guild's
// gateway benchmark (bench/gateway-shape's subgraphs, each a process of its own), the gateway
// asks each subgraph once per plan level where it is needed, fetches with different selections
// merged into one request, a last step joining its subgraph's later request; stock asks 16 times.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, startGateway } from '../src/app.ts';
import { composeShape, startShapeSubgraphs, type ShapeSubgraphs } from '../../bench/gateway-shape/subgraphs.ts';
import { TEST_QUERY } from '../../bench/gateway-shape/schemas.ts';
import { startGraphqlProxy } from '../../tests/support/graphql-proxy.ts';
import type { ServiceHandle } from '@fffoto/shared/server';

describe('entity fetches merged per plan level', () => {
  let subgraphs: ShapeSubgraphs;
  let dir: string;
  const gateways: ServiceHandle[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const gateway = await startGateway(
      loadGatewayConfig({ SUPERGRAPH_FILE: path.join(dir, 'supergraph.graphql'), GATEWAY_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', GATEWAY_DEDUPE_REQUESTS: 'false', ...env }),
    );
    gateways.push(gateway);
    return gateway;
  };
  /** Requests each subgraph received while one TestQuery ran, and the answer. */
  const run = async (url: string) => {
    const before = await subgraphs.counts();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: TEST_QUERY, operationName: 'TestQuery' }),
    });
    const body = await res.text();
    const after = await subgraphs.counts();
    const calls = Object.fromEntries(Object.entries(after).map(([name, c]) => [name, c.requests - before[name as keyof typeof before].requests]));
    return { body, calls };
  };

  beforeAll(async () => {
    subgraphs = await startShapeSubgraphs({ memo: false });
    dir = mkdtempSync(path.join(tmpdir(), 'merged-fetches-'));
    writeFileSync(path.join(dir, 'supergraph.graphql'), subgraphs.supergraphSdl);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await subgraphs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('asks each subgraph once per level it is needed at (6 calls), stock 16; same answer', async () => {
    const ours = await run((await start()).url);
    const stockExecutor = await run((await start({ GATEWAY_BATCH_ENTITIES: 'false' })).url);
    expect(JSON.parse(ours.body).errors).toBeUndefined();
    expect(ours.body).toBe(stockExecutor.body);
    // Levels: accounts (users), products (topProducts) | reviews | products, accounts, inventory.
    expect(ours.calls).toEqual({ accounts: 2, inventory: 1, products: 2, reviews: 1 });
    expect(stockExecutor.calls).toEqual({ accounts: 3, inventory: 7, products: 4, reviews: 2 });
  }, 60_000);

  // Merged operations are prepared once and reused across requests: each must still carry the
  // name of the client operation it serves (subgraph logs, traces and metrics go by it).
  it('names each subgraph request after the client operation it serves, however often its shape was seen', async () => {
    const proxy = await startGraphqlProxy(subgraphs.urls.accounts);
    const sdlDir = mkdtempSync(path.join(tmpdir(), 'merged-names-'));
    try {
      writeFileSync(path.join(sdlDir, 'supergraph.graphql'), composeShape({ ...subgraphs.urls, accounts: proxy.url }));
      const gateway = await start({ SUPERGRAPH_FILE: path.join(sdlDir, 'supergraph.graphql') });
      const body = (name: string) => `query ${name} { topProducts { upc reviews { id author { id name } } } }`;
      for (const name of ['First', 'Second', 'First']) {
        const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: body(name) }) });
        expect((await res.json() as { errors?: unknown }).errors).toBeUndefined();
      }
      expect(proxy.bodies.map((b) => /^query (\w+)__accounts__/.exec(b.query)?.[1])).toEqual(['First', 'Second', 'First']);
    } finally {
      await proxy.stop();
      rmSync(sdlDir, { recursive: true, force: true });
    }
  }, 60_000);
});
