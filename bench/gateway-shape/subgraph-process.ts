// One subgraph of the gateway-shape bench (schemas.ts) as a process of its own, served by plain
// node:http + graphql-js so that it costs little next to the gateway it feeds:
// `node --import tsx bench/gateway-shape/subgraph-process.ts` with SUBGRAPH_NAME (accounts,
// inventory, products, reviews), PORT (default 0: any free port), HOST (default 127.0.0.1) and
// SUBGRAPH_MEMO (default true). Prints one JSON line `{"msg":"subgraph ready","name":…,"url":…}`.
//
// SUBGRAPH_MEMO: the data is fixed, so the same request body always gets the same answer; with
// it on, each distinct body is executed once and its response bytes are replayed after that.
// GET /counts answers `{ requests, representations, memoHits, failed }` since the start: POSTs
// received, the entity representations they carried (every `_entities(representations:)` of the
// document, whatever its variable is called), answers replayed from the memo, and requests that
// were not answered 200.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, Kind, parse, validate, visit, type DocumentNode, type GraphQLError } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUBGRAPH_NAMES, subgraphModules, type SubgraphName } from './schemas.ts';

/** This file, relative to the repository root (for tests/support/processes.ts's spawnEntry). */
export const SUBGRAPH_MAIN = 'bench/gateway-shape/subgraph-process.ts';

export interface SubgraphCounts {
  requests: number;
  representations: number;
  memoHits: number;
  failed: number;
}

const MEMO_LIMIT = 10_000; // distinct bodies kept; the bench sends a handful

/** What a document sends to `_entities(representations:)`: variables by name, plus entries written inline. */
interface RepresentationArgs {
  variables: string[];
  inline: number;
}

/** Every `_entities` field's representations, however the gateway names them (one fetch or several under aliases). */
function representationArgs(doc: DocumentNode): RepresentationArgs {
  const found: RepresentationArgs = { variables: [], inline: 0 };
  visit(doc, {
    Field(field) {
      if (field.name.value !== '_entities') return;
      const value = field.arguments?.find((a) => a.name.value === 'representations')?.value;
      if (value?.kind === Kind.VARIABLE) found.variables.push(value.name.value);
      else if (value?.kind === Kind.LIST) found.inline += value.values.length;
    },
  });
  return found;
}

interface Request {
  query?: unknown;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export async function serveSubgraph(name: SubgraphName, opts: { port: number; host: string; memo: boolean }): Promise<{ url: string; server: http.Server }> {
  const schema = buildSubgraphSchema(subgraphModules[name]);
  const documents = new Map<string, { doc: DocumentNode; reps: RepresentationArgs } | readonly GraphQLError[]>();
  const memo = new Map<string, { bytes: Buffer; representations: number }>();
  const counts: SubgraphCounts = { requests: 0, representations: 0, memoHits: 0, failed: 0 };

  const reply = (res: http.ServerResponse, status: number, bytes: Buffer) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
    res.end(bytes);
  };
  const documentOf = (query: string) => {
    let doc = documents.get(query);
    if (!doc) {
      try {
        const parsed = parse(query);
        const errors = validate(schema, parsed);
        doc = errors.length ? errors : { doc: parsed, reps: representationArgs(parsed) };
      } catch (err) {
        doc = [err as GraphQLError];
      }
      documents.set(query, doc);
    }
    return doc;
  };

  async function answer(body: string): Promise<{ status: number; bytes: Buffer; representations: number }> {
    let request: Request;
    try {
      request = JSON.parse(body) as Request;
    } catch {
      return { status: 400, bytes: Buffer.from('{"errors":[{"message":"body is not JSON"}]}'), representations: 0 };
    }
    if (typeof request.query !== 'string') return { status: 400, bytes: Buffer.from('{"errors":[{"message":"no query"}]}'), representations: 0 };
    const doc = documentOf(request.query);
    if (Array.isArray(doc)) return { status: 400, bytes: Buffer.from(JSON.stringify({ errors: doc })), representations: 0 };
    const { doc: document, reps } = doc as { doc: DocumentNode; reps: RepresentationArgs };
    let representations = reps.inline;
    for (const name of reps.variables) {
      const list = request.variables?.[name];
      if (Array.isArray(list)) representations += list.length;
    }
    const result = await execute({ schema, document, variableValues: request.variables ?? undefined, operationName: request.operationName ?? undefined });
    return { status: 200, bytes: Buffer.from(JSON.stringify(result)), representations };
  }

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/counts') return reply(res, 200, Buffer.from(JSON.stringify(counts)));
    if (req.method !== 'POST') return reply(res, 405, Buffer.from('{"errors":[{"message":"POST only"}]}'));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      counts.requests++;
      const hit = opts.memo ? memo.get(body) : undefined;
      if (hit) {
        counts.memoHits++;
        counts.representations += hit.representations;
        return reply(res, 200, hit.bytes);
      }
      answer(body).then(
        (a) => {
          counts.representations += a.representations;
          if (a.status !== 200) counts.failed++;
          else if (opts.memo && memo.size < MEMO_LIMIT) memo.set(body, { bytes: a.bytes, representations: a.representations });
          reply(res, a.status, a.bytes);
        },
        (err: unknown) => {
          counts.failed++;
          reply(res, 500, Buffer.from(JSON.stringify({ errors: [{ message: (err as Error).message }] })));
        },
      );
    });
  });
  // Gateways keep connections open between requests; do not close them under a slow client.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${opts.host}:${port}/graphql`, server };
}

async function main(): Promise<void> {
  const name = process.env.SUBGRAPH_NAME as SubgraphName;
  if (!SUBGRAPH_NAMES.includes(name)) throw new Error(`SUBGRAPH_NAME must be one of ${SUBGRAPH_NAMES.join(', ')}`);
  const memoFlag = process.env.SUBGRAPH_MEMO ?? 'true';
  if (!['true', 'false'].includes(memoFlag)) throw new Error('SUBGRAPH_MEMO must be true or false');
  const { url, server } = await serveSubgraph(name, { port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1', memo: memoFlag === 'true' });
  console.log(JSON.stringify({ level: 30, msg: 'subgraph ready', name, url, memo: memoFlag === 'true' }));
  // A bench killed without stopping its subgraphs must not leave them running: go with the parent.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1_000).unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    });
  }
}

// Only as the process's entry (imported, it just names itself).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
