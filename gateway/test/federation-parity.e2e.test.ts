// Federation parity: whatever our gateway does for speed (merged and deduplicated entity
// fetches, in-flight dedupe, its own HTTP path), its answers must be stock @apollo/gateway's.
// Four small Federation 2 subgraphs (fixtures/federation-parity/subgraphs.ts, Apollo Server
// over real HTTP on free ports) cover entities, @requires, @provides, @external, an entity
// interface with @interfaceObject, a union, @override, @shareable, failing resolvers in root
// fields, entity fetches and lists, and null propagation; each case (cases.ts) goes through
// stock (ApolloGateway + ApolloServer, the default RemoteGraphQLDataSource) and through ours
// (startGateway, as main.ts runs it), and the two answers must be equal as JSON text — data,
// errors (messages, paths, extensions) and every object's key order — with the same HTTP
// status.
//
// Normalised, and only this:
// - the order of the `errors` entries, sorted by their JSON text on both sides: stock appends
//   each fetch's errors as its response arrives, so the errors of fetches running in parallel
//   come in arrival order, which varies from run to run (each error is compared whole);
// - our gateway turns @apollo/gateway's `extensions.valueCompletion` (a subgraph's null for a
//   non-null field, which stock reports only there) into NOT_FOUND errors with paths
//   (response-integrity.ts): a stock answer with valueCompletion is passed through that same
//   function and written in Apollo Server's field order (errors, data, extensions) before
//   comparing, so everything else about such an answer must still match.
// Both gateways run in this process under vitest's NODE_ENV=test: no stack traces in errors,
// and ours (NODE_ENV=test, not production) leaves error messages as they are (formatError).
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import { loadGatewayConfig, startGateway } from '../src/app.ts';
import { withCompletionErrors } from '../src/response-integrity.ts';
import { parityCases, type ParityCase } from './fixtures/federation-parity/cases.ts';
import { paritySubgraphs, type ParitySubgraph } from './fixtures/federation-parity/subgraphs.ts';

const stops: Array<() => Promise<unknown>> = [];
let stockUrl: string;
let oursUrl: string;
let dir: string;

beforeAll(async () => {
  const urls = {} as Record<ParitySubgraph, string>;
  for (const [name, module] of Object.entries(paritySubgraphs) as Array<[ParitySubgraph, (typeof paritySubgraphs)[ParitySubgraph]]>) {
    const server = new ApolloServer({ schema: buildSubgraphSchema(module), includeStacktraceInErrorResponses: false });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    stops.push(() => server.stop());
    urls[name] = url;
  }
  const composed = composeServices(Object.entries(paritySubgraphs).map(([name, m]) => ({ name, url: urls[name as ParitySubgraph], typeDefs: m.typeDefs })));
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('\n')}`);
  dir = mkdtempSync(path.join(tmpdir(), 'fffoto-parity-'));
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraphFile, composed.supergraphSdl);

  const stock = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }) });
  stockUrl = (await startStandaloneServer(stock, { listen: { port: 0, host: '127.0.0.1' } })).url;
  stops.push(() => stock.stop());

  const ours: ServiceHandle = await startGateway(loadGatewayConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    SUPERGRAPH_FILE: supergraphFile,
  }));
  oursUrl = ours.url;
  stops.push(() => ours.stop());
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Stock's answer as ours gives it on purpose: `extensions.valueCompletion` moved into `errors`
 * (response-integrity.ts), in the field order Apollo Server writes (errors, data, extensions).
 * Any other answer is returned as it is.
 */
function normalised(body: Record<string, unknown>): Record<string, unknown> {
  const extensions = body.extensions as Record<string, unknown> | undefined;
  if (!extensions?.valueCompletion) return body;
  const result = { ...body } as Parameters<typeof withCompletionErrors>[0] & { data?: unknown };
  withCompletionErrors(result);
  return JSON.parse(JSON.stringify({ errors: result.errors, data: result.data, extensions: result.extensions })) as Record<string, unknown>;
}

/**
 * The answer with its errors sorted by their JSON text (each error itself untouched): @apollo/gateway
 * appends a fetch's errors when its response arrives, so errors of fetches that run in parallel
 * come in whichever order the subgraphs answer — stock's own order varies from run to run.
 */
function inErrorOrder(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.errors)) return body;
  const errors = body.errors.map((e) => [JSON.stringify(e), e] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { ...body, errors: errors.map(([, e]) => e) };
}

async function ask(url: string, c: ParityCase): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: c.query, variables: c.variables, operationName: c.operationName }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('our gateway answers exactly as stock @apollo/gateway', () => {
  it.each(parityCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const stock = await ask(stockUrl, c);
    const ours = await ask(oursUrl, c);
    const stockText = JSON.stringify(stock.body);
    // The case still exercises what it is named for.
    for (const needle of c.expect) expect(stockText, `stock's answer lacks ${needle}`).toContain(needle);
    expect(JSON.stringify(inErrorOrder(ours.body), null, 1)).toBe(JSON.stringify(inErrorOrder(normalised(stock.body)), null, 1));
    expect(ours.status).toBe(stock.status);
  });
});
