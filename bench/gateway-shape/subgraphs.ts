/**
 * The gateway-shape bench's four subgraphs (accounts, inventory, products, reviews; schemas.ts),
 * each a process of its own (subgraph-process.ts), and the supergraph composed over them.
 *
 * Standalone, for profiling a gateway against them:
 *
 *   SUPERGRAPH_OUT=/tmp/shape-supergraph.graphql npx tsx bench/gateway-shape/subgraphs.ts
 *
 * starts all four, writes the composed supergraph (their URLs in it) to SUPERGRAPH_OUT (default
 * <tmpdir>/gateway-shape-supergraph.graphql), prints the URLs, the query file and a gateway
 * command line, and runs until Ctrl-C. Env: SHAPE_PORT_BASE (ports base..base+3 in the order
 * above; default: any free ports), SUBGRAPH_MEMO (true: replay the answer to a body seen
 * before; see subgraph-process.ts). Each subgraph's GET /counts gives its request and
 * representation counts. The query is TEST_QUERY in schemas.ts (also written next to the
 * supergraph as <SUPERGRAPH_OUT>.query.json, a ready POST body).
 */
import { composeServices } from '@apollo/composition';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnEntry, type ServiceProcess } from '../../tests/support/processes.ts';
import { SUBGRAPH_NAMES, subgraphModules, TEST_QUERY, type SubgraphName } from './schemas.ts';
import { SUBGRAPH_MAIN, type SubgraphCounts } from './subgraph-process.ts';

export interface ShapeSubgraphs {
  urls: Record<SubgraphName, string>;
  supergraphSdl: string;
  processes: Record<SubgraphName, ServiceProcess>;
  /** Each subgraph's counts since it started (GET /counts). */
  counts(): Promise<Record<SubgraphName, SubgraphCounts>>;
  stop(): Promise<void>;
}

/** The supergraph of the four subgraphs at these URLs (@apollo/composition). */
export function composeShape(urls: Record<SubgraphName, string>): string {
  const result = composeServices(SUBGRAPH_NAMES.map((name) => ({ name, url: urls[name], typeDefs: subgraphModules[name].typeDefs })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

export async function startShapeSubgraphs(opts: { memo: boolean; portBase?: number }): Promise<ShapeSubgraphs> {
  const processes = {} as Record<SubgraphName, ServiceProcess>;
  const urls = {} as Record<SubgraphName, string>;
  let supergraphSdl: string;
  const stop = () => Promise.all(Object.values(processes).map((p) => p.kill())).then(() => undefined);
  try {
    await Promise.all(SUBGRAPH_NAMES.map(async (name, i) => {
      const proc = spawnEntry(SUBGRAPH_MAIN, {
        ...process.env,
        SUBGRAPH_NAME: name,
        PORT: String(opts.portBase === undefined ? 0 : opts.portBase + i),
        HOST: '127.0.0.1',
        SUBGRAPH_MEMO: String(opts.memo),
      });
      processes[name] = proc;
      const ready = await proc.waitForLog((l) => l.msg === 'subgraph ready', 60_000);
      urls[name] = String(ready.url);
    }));
    supergraphSdl = composeShape(urls);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls,
    supergraphSdl,
    processes,
    async counts() {
      const entries = await Promise.all(SUBGRAPH_NAMES.map(async (name) => {
        const res = await fetch(urls[name].replace(/\/graphql$/, '/counts'));
        return [name, (await res.json()) as SubgraphCounts] as const;
      }));
      return Object.fromEntries(entries) as Record<SubgraphName, SubgraphCounts>;
    },
    stop,
  };
}

async function main(): Promise<void> {
  const out = process.env.SUPERGRAPH_OUT ?? path.join(tmpdir(), 'gateway-shape-supergraph.graphql');
  const memo = (process.env.SUBGRAPH_MEMO ?? 'true') !== 'false';
  const base = process.env.SHAPE_PORT_BASE ? Number(process.env.SHAPE_PORT_BASE) : undefined;
  const subgraphs = await startShapeSubgraphs({ memo, portBase: base });
  writeFileSync(out, subgraphs.supergraphSdl);
  writeFileSync(`${out}.query.json`, JSON.stringify({ query: TEST_QUERY, operationName: 'TestQuery' }));
  for (const name of SUBGRAPH_NAMES) console.log(`${name.padEnd(9)} ${subgraphs.urls[name]}  (pid ${subgraphs.processes[name].child.pid}, counts: GET ${subgraphs.urls[name].replace(/\/graphql$/, '/counts')})`);
  console.log(`subgraph memo: ${memo ? 'on' : 'off'} (SUBGRAPH_MEMO)`);
  console.log(`supergraph: ${out}\nquery body: ${out}.query.json`);
  console.log(`our gateway: SUPERGRAPH_FILE=${out} GATEWAY_PORT=4000 HOST=127.0.0.1 LOG_LEVEL=warn node --import tsx gateway/src/main.ts`);
  console.log(`stock:       SUPERGRAPH_FILE=${out} SUBGRAPH_URLS=${SUBGRAPH_NAMES.map((n) => `${n}=${subgraphs.urls[n]}`).join(',')} GATEWAY_PORT=4100 node --import tsx bench/support/stock-gateway-main.ts`);
  console.log('Ctrl-C stops them.');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void subgraphs.stop().finally(() => process.exit(0)));
  }
  // A subgraph that dies takes the set down with it: better a loud stop than a half-served profile.
  await Promise.race(SUBGRAPH_NAMES.map(async (name) => {
    const exit = await subgraphs.processes[name].waitForExit(2 ** 31 - 1);
    console.error(`${name} exited: ${JSON.stringify(exit)}\n${subgraphs.processes[name].stderr()}`);
  }));
  await subgraphs.stop();
  process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
