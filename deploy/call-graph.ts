// Who talks to whom, derived from the project itself: the zod config shapes each process loads
// (DATABASE_URL → postgres, REDIS_URL → redis, S3_* → s3, JWKS_URL / <NAME>_URL → that service,
// SUBGRAPH_URLS → every subgraph of supergraph.yaml). Adding a URL to a process's config changes
// this graph, and the manifests (AuthorizationPolicies, Sidecars, env) follow it; a URL-like key
// that no rule classifies stops the render, so a new dependency cannot slip in unpoliced.
import { databaseShape, type z } from '@fffoto/shared/config';
import { observabilityShape } from '@fffoto/shared/observability';
import { gatewayConfigShape } from '../gateway/src/app.ts';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags.ts';
import { usersConfigShape } from '../subgraphs/users/src/app.ts';
import { postsConfigShape } from '../subgraphs/posts/src/app.ts';
import { socialConfigShape } from '../subgraphs/social/src/app.ts';
import { mediaConfigShape } from '../subgraphs/media/src/config.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { listSubgraphs, repoRoot, type SubgraphEntry } from '../scripts/subgraphs.ts';

type Shape = Record<string, z.ZodType>;

export interface ProcessSpec {
  /** Workload name: Deployment, ServiceAccount, Service, principal. */
  name: string;
  /** The Dockerfile target that runs it. */
  target: string;
  /** Its entry file (the Dockerfile's CMD, run with tsx). */
  entry: string;
  /** The config shapes it loads (its own, and startObservability's in every main.ts). */
  shape: Shape;
  /** The key of its HTTP port in the shape (GraphQL and /health, /ready; the worker: health only). */
  portKey: string;
  /** Whether it serves GraphQL (the worker serves only /health and /ready). */
  graphql: boolean;
  /** Keys of the shared shape it loads but never uses, each with the reason (no edge for them). */
  unused?: Record<string, string>;
  /** A run-to-completion Job rather than a Deployment. */
  job?: boolean;
  /** Whose Postgres role it connects as (Secret `<dbRole>-database`); default: its own name. */
  dbRole?: string;
  /** Node flags before the entry (the Dockerfile's CMD has the same). */
  nodeFlags?: readonly string[];
}

/** Every process of the project (one Dockerfile target each). */
export const processes: ProcessSpec[] = [
  { name: 'gateway', target: 'gateway', entry: 'gateway/src/main.ts', shape: { ...gatewayConfigShape, ...observabilityShape }, portKey: 'GATEWAY_PORT', graphql: true, nodeFlags: GATEWAY_NODE_FLAGS },
  { name: 'users', target: 'users', entry: 'subgraphs/users/src/main.ts', shape: { ...usersConfigShape, ...observabilityShape }, portKey: 'USERS_PORT', graphql: true },
  { name: 'posts', target: 'posts', entry: 'subgraphs/posts/src/main.ts', shape: { ...postsConfigShape, ...observabilityShape }, portKey: 'POSTS_PORT', graphql: true },
  { name: 'social', target: 'social', entry: 'subgraphs/social/src/main.ts', shape: { ...socialConfigShape, ...observabilityShape }, portKey: 'SOCIAL_PORT', graphql: true },
  { name: 'media', target: 'media', entry: 'subgraphs/media/src/main.ts', shape: { ...mediaConfigShape, ...observabilityShape }, portKey: 'MEDIA_PORT', graphql: true },
  {
    name: 'media-worker',
    target: 'media-worker',
    entry: 'subgraphs/media/src/worker/main.ts',
    shape: { ...mediaConfigShape, ...observabilityShape },
    portKey: 'WORKER_HEALTH_PORT',
    graphql: false,
    dbRole: 'media', // the media subgraph's tables, so the media subgraph's role (fffoto_media)
    unused: { JWKS_URL: 'media config shared with the subgraph; the worker serves no GraphQL and verifies no token' },
  },
  // scripts/migrate.ts and scripts/db-roles.ts read DATABASE_URL from the environment (no shape of their own).
  { name: 'migrate', target: 'migrate', entry: 'scripts/migrate.ts', shape: { DATABASE_URL: databaseShape.DATABASE_URL }, portKey: '', graphql: false, job: true },
];

// Graph nodes besides the processes: data stores and the collector ('postgres', 'redis', 's3',
// 'otel-collector'), and callers from outside the namespace ('ingress', 'prometheus').

export type EdgeKind =
  | 'federation' // gateway → subgraph: query plans (and the readiness check) over POST
  | 'subscription' // gateway → a subgraph with Subscription fields: graphql-ws (GET + Upgrade)
  | 'graphql' // subgraph → subgraph: createSubgraphClient (POST)
  | 'jwks' // token verification: GET the users subgraph's key set
  | 'postgres'
  | 'redis'
  | 's3'
  | 'otlp' // traces to the OpenTelemetry collector
  | 'public-graphql' // clients, through the ingress gateway, to the gateway's /graphql (IDE, SDL, graphql-ws)
  | 'public-s3' // clients' presigned PUT/GET straight to the bucket (in-cluster S3 only)
  | 'metrics'; // Prometheus scraping /metrics

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The config key (or platform reason) the edge comes from. */
  via: string;
}

/**
 * What each kind of call looks like on the wire, for L7 AuthorizationPolicies. TCP kinds
 * (postgres, redis, otlp) and S3 calls by our own processes (any bucket operation) are
 * authorised by principal and port only.
 */
export const operations: Record<EdgeKind, { paths?: string[]; methods?: string[] }> = {
  federation: { paths: ['/graphql'], methods: ['POST'] },
  subscription: { paths: ['/graphql'], methods: ['GET'] },
  graphql: { paths: ['/graphql'], methods: ['POST'] },
  jwks: { paths: ['/.well-known/jwks.json'], methods: ['GET'] },
  'public-graphql': { paths: ['/graphql', '/graphql/*'], methods: ['GET', 'POST'] },
  'public-s3': { methods: ['GET', 'HEAD', 'PUT', 'OPTIONS'] },
  metrics: { paths: ['/metrics'], methods: ['GET'] },
  postgres: {},
  redis: {},
  s3: {},
  otlp: {},
};

/** Environment read by SDKs outside the zod shapes, set on every process (OpenTelemetry). */
export const sdkEnv = ['OTEL_EXPORTER_OTLP_ENDPOINT'] as const;

/** The default a shape gives a key, if any (zod parses `undefined` into it). */
export function shapeDefault(shape: Shape, key: string): unknown {
  const schema = shape[key];
  if (!schema) return undefined;
  const parsed = schema.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

/** Whether a subgraph's SDL has Subscription fields: only then does the gateway open a graphql-ws socket to it. */
export function hasSubscriptions(sub: SubgraphEntry): boolean {
  const doc = parse(readFileSync(path.join(repoRoot, sub.schemaFile), 'utf8'));
  return doc.definitions.some((d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Subscription' && !!d.fields?.length);
}

/** A process's HTTP port: the default of its port key (the manifests set the same value). */
export function processPort(p: ProcessSpec): number {
  const port = shapeDefault(p.shape, p.portKey);
  if (typeof port !== 'number') throw new Error(`deploy/call-graph: ${p.name}: ${p.portKey} has no numeric default`);
  return port;
}

// Keys that can name a peer: URLs, and hosts/addresses/DSNs (a `SMTP_HOST` or `SENTRY_DSN` is a
// dependency as much as a `*_URL`). One such key without a rule stops the derivation.
const PEER_SUFFIX = /_(URLS?|ENDPOINT|URI|DSN|HOSTS?|ADDR|ADDRESS|SERVERS?)$/;
const isUrlKey = (key: string) => PEER_SUFFIX.test(key);
/** Where the process itself listens (an interface to bind), not something it calls. */
const bindKeys = new Set(['HOST', 'METRICS_HOST']);
const parseUrl = (v: unknown) => (typeof v === 'string' && URL.canParse(v) ? new URL(v) : undefined);

/** Classifies one config key of a process into its outgoing edges ([] for plain settings). */
function edgesOfKey(p: ProcessSpec, key: string, subgraphs: SubgraphEntry[], byPort: Map<number, string>): Edge[] {
  const edge = (to: string, kind: EdgeKind): Edge => ({ from: p.name, to, kind, via: key });
  if (key === 'DATABASE_URL') return [edge('postgres', 'postgres')];
  if (key === 'REDIS_URL') return [edge('redis', 'redis')];
  // Public S3 URLs are where clients go (presigned URLs), never called by the process itself.
  if (key === 'S3_PUBLIC_ENDPOINT' || key === 'S3_PUBLIC_BASE_URL') return [];
  if (key.startsWith('S3_')) return [edge('s3', 's3')];
  // OTEL_EXPORTER_OTLP_ENDPOINT and its per-signal variants (…_TRACES_ENDPOINT, …_METRICS_ENDPOINT).
  if (key.startsWith('OTEL_EXPORTER_OTLP_') && isUrlKey(key)) return [edge('otel-collector', 'otlp')];
  if (key === 'SUBGRAPH_URLS') {
    return [...subgraphs.map((s) => edge(s.name, 'federation')), ...subgraphs.filter(hasSubscriptions).map((s) => edge(s.name, 'subscription'))];
  }
  if (!isUrlKey(key) || bindKeys.has(key)) return [];
  // <NAME>_URL of another process, or a URL whose default port is a subgraph's (JWKS_URL → users).
  const named = key.replace(PEER_SUFFIX, '').toLowerCase();
  const fallback = parseUrl(shapeDefault(p.shape, key));
  const port = fallback ? Number(fallback.port) : NaN;
  const target = processes.some((q) => q.name === named) ? named : byPort.get(port);
  if (!target) throw new Error(`deploy/call-graph: ${p.name}: no rule for ${key}; classify it in deploy/call-graph.ts`);
  const isJwks = !!fallback?.pathname.endsWith('/jwks.json');
  return [edge(target, isJwks ? 'jwks' : 'graphql')];
}

export interface CallGraph {
  processes: ProcessSpec[];
  edges: Edge[];
}

/** The edges each process needs, from its config shape and supergraph.yaml. */
export function deriveCallGraph(specs: ProcessSpec[] = processes, supergraphFile?: string): CallGraph {
  const listed = listSubgraphs(supergraphFile);
  const names = new Set(specs.map((p) => p.name));
  const missing = listed.filter((s) => !names.has(s.name)).map((s) => s.name);
  if (missing.length) throw new Error(`deploy/call-graph: subgraph(s) ${missing.join(', ')} of supergraph.yaml have no process in deploy/call-graph.ts`);
  const byPort = new Map(listed.map((s) => [Number(new URL(s.routingUrl).port), s.name]));
  const edges: Edge[] = [];
  for (const p of specs) {
    const keys = [...Object.keys(p.shape), ...(p.job ? [] : sdkEnv)];
    for (const key of keys) {
      if (p.unused?.[key]) continue;
      for (const e of edgesOfKey(p, key, listed, byPort)) {
        if (!edges.some((x) => x.from === e.from && x.to === e.to && x.kind === e.kind)) edges.push(e);
      }
    }
  }
  return { processes: specs, edges };
}

/** Whether a process is the S3 public endpoint's client-facing side (presigned URLs). */
export const handsOutPresignedUrls = (p: ProcessSpec) => 'S3_PUBLIC_ENDPOINT' in p.shape && !p.unused?.S3_PUBLIC_ENDPOINT && p.graphql;

export interface PlatformOptions {
  /** Prometheus (operator) scrapes every process's /metrics. */
  monitoring: boolean;
  /** S3 runs in the cluster (MinIO): clients reach it through the ingress gateway. */
  inClusterS3: boolean;
}

/** The derived graph plus the platform's calls into it: ingress → gateway, Prometheus → everyone. */
export function withPlatformEdges(graph: CallGraph, opts: PlatformOptions): CallGraph {
  const edges = [...graph.edges, { from: 'ingress', to: 'gateway', kind: 'public-graphql' as const, via: 'public API' }];
  if (opts.inClusterS3 && graph.processes.some(handsOutPresignedUrls)) {
    edges.push({ from: 'ingress', to: 's3', kind: 'public-s3', via: 'S3_PUBLIC_ENDPOINT (presigned URLs)' });
  }
  if (opts.monitoring) {
    for (const p of graph.processes) if (!p.job) edges.push({ from: 'prometheus', to: p.name, kind: 'metrics', via: 'METRICS_PORT' });
  }
  return { processes: graph.processes, edges };
}
