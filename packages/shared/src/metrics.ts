// Prometheus metrics: one registry per process (Node's default process metrics plus ours),
// served on a port of its own (observability.ts: METRICS_PORT) at /metrics, never on the public
// API port. Recording is always on and cheap (a label hash and a few additions per request);
// only the scrape renders text. Every label has a bounded set of values: routes are a fixed
// list, statuses are HTTP's, operation names are capped (anything past the cap is "other"), so a
// client sending random operation names cannot grow the registry without end.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { nameOperationSpan } from './tracing.ts';

/** This process's metrics: everything below registers here, and only here. */
export const registry = new Registry();

// ---------- HTTP (every process: http.ts mounts httpMetrics first) ----------

const httpDuration = new Histogram({
  name: 'fffoto_http_request_duration_seconds',
  help: 'HTTP requests answered, by service, route, method and status, and how long each took (seconds).',
  labelNames: ['service', 'route', 'method', 'status'] as const,
  registers: [registry],
});

/** Paths that are routes of ours; anything else (unknown paths, probes for /wp-admin) is "other". */
const ROUTES = new Set(['/graphql', '/graphql/schema.graphql', '/health', '/ready', '/.well-known/jwks.json']);
const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);
const started = Symbol('metrics.started');
const labelsOf = Symbol('metrics.labels');
type Measured = Response & { [started]?: number; [labelsOf]?: { service: string; route: string; method: string } };

// One shared listener (no closure per request): what it needs travels on the response.
function recordHttp(this: Measured): void {
  const labels = this[labelsOf]!;
  httpDuration.observe({ ...labels, status: String(this.statusCode) }, (performance.now() - this[started]!) / 1000);
}

/** Middleware counting and timing every request of `service` (first in the chain). */
export function httpMetrics(service: string): RequestHandler {
  return (req: Request, res: Measured, next) => {
    res[started] = performance.now();
    // req.path before any rewrite (persisted documents rewrite a GET's url).
    res[labelsOf] = {
      service,
      route: ROUTES.has(req.path) ? req.path : 'other',
      method: METHODS.has(req.method) ? req.method : 'other',
    };
    res.on('finish', recordHttp);
    next();
  };
}

// ---------- GraphQL operations (gateway and subgraphs: an Apollo Server plugin) ----------

const operationDuration = new Histogram({
  name: 'fffoto_graphql_operation_duration_seconds',
  help: 'GraphQL operations answered over HTTP, by service, operation name and type, and how long each took (seconds).',
  labelNames: ['service', 'operation', 'type'] as const,
  registers: [registry],
});

const operationErrors = new Counter({
  name: 'fffoto_graphql_operation_errors_total',
  help: 'GraphQL operations answered with errors (any, partial data included), by service, operation name and type.',
  labelNames: ['service', 'operation', 'type'] as const,
  registers: [registry],
});

/** Distinct operation names kept as label values per process; later new names count as "other". */
export const MAX_OPERATION_NAMES = 200;
const MAX_NAME_LENGTH = 100;
const operationNames = new Set<string>();

/**
 * The label value for an operation name: "anonymous" for an unnamed operation, "unknown" before
 * one is resolved (a parse or validation failure), "other" past the cap or for an overlong name.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (operationNames.has(name)) return name;
  if (name.length > MAX_NAME_LENGTH || operationNames.size >= MAX_OPERATION_NAMES) return 'other';
  operationNames.add(name);
  return name;
}

/**
 * Times each GraphQL request from the moment Apollo has it and counts those answered with
 * errors; names the request's server span after the operation too (one plugin, not two, per request).
 */
export function graphqlMetricsPlugin(service: string): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const start = performance.now();
      const labels = { service, operation: 'unknown', type: 'unknown' };
      let failed = false;
      return {
        async didResolveOperation({ operationName, operation }) {
          if (!operation) return;
          labels.operation = operationLabel(operationName);
          labels.type = operation.operation;
          nameOperationSpan(operation.operation, operationName);
        },
        async didEncounterErrors() {
          failed = true;
        },
        async willSendResponse() {
          operationDuration.observe(labels, (performance.now() - start) / 1000);
          if (failed) operationErrors.inc(labels);
        },
      };
    },
  };
}

// ---------- The gateway's subgraph calls and live subscriptions ----------

const subgraphFetchDuration = new Histogram({
  name: 'fffoto_subgraph_fetch_duration_seconds',
  help: "The gateway's HTTP calls to subgraphs, by subgraph and outcome (ok: an answer; error: none), and how long each took (seconds).",
  labelNames: ['subgraph', 'outcome'] as const,
  registers: [registry],
});

export function recordSubgraphFetch(subgraph: string, ok: boolean, startedAt: number): void {
  subgraphFetchDuration.observe({ subgraph, outcome: ok ? 'ok' : 'error' }, (performance.now() - startedAt) / 1000);
}

/** Read at scrape time from every source registered (one per gateway in this process). */
function sumOnScrape<S>(sources: Set<() => S>, read: (s: S) => number | undefined) {
  return function collect(this: Gauge) {
    let total = 0;
    for (const source of sources) total += read(source()) ?? 0;
    this.set(total);
  };
}

interface LiveCounts {
  connections?: number;
  subscribers?: number;
}
const liveSources = new Set<() => LiveCounts>();
new Gauge({
  name: 'fffoto_live_connections',
  help: 'Open graphql-ws connections at the gateway.',
  registers: [registry],
  collect: sumOnScrape(liveSources, (s) => s.connections),
});
new Gauge({
  name: 'fffoto_live_subscriptions',
  help: 'Live subscriptions at the gateway (one per subscriber per stream).',
  registers: [registry],
  collect: sumOnScrape(liveSources, (s) => s.subscribers),
});

/** Reports a gateway's live counts at each scrape; call the result to stop. */
export function watchLive(read: () => LiveCounts): () => void {
  liveSources.add(read);
  return () => void liveSources.delete(read);
}

// ---------- The encode queue and the worker ----------

export type QueueCounts = Partial<Record<'waiting' | 'active' | 'delayed' | 'failed', number>>;
const queueSources = new Set<() => Promise<QueueCounts>>();
/** A scrape does not wait longer than this for the queue's Redis; without an answer, no samples. */
const QUEUE_SCRAPE_MS = 1_000;

new Gauge({
  name: 'fffoto_encode_queue_jobs',
  help: 'Encode jobs in the queue by state, read from the queue at scrape time (waiting, active, delayed, failed).',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const totals: QueueCounts = {};
    try {
      for (const source of queueSources) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('queue did not answer')), QUEUE_SCRAPE_MS);
        });
        const counts = await Promise.race([source(), timeout]).finally(() => clearTimeout(timer));
        for (const [state, n] of Object.entries(counts) as Array<[keyof QueueCounts, number]>) totals[state] = (totals[state] ?? 0) + n;
      }
    } catch {
      return; // Redis is away: no samples rather than stale ones
    }
    for (const [state, n] of Object.entries(totals)) this.set({ state }, n);
  },
});

/**
 * Reports a queue's depth at each scrape; call the result to stop. A call still unanswered
 * (BullMQ waits for Redis forever) is shared by the scrapes that follow, not made again: an
 * outage costs one pending call, not one per scrape.
 */
export function watchQueue(counts: () => Promise<QueueCounts>): () => void {
  let pending: Promise<QueueCounts> | undefined;
  const source = () =>
    (pending ??= counts().finally(() => {
      pending = undefined;
    }));
  queueSources.add(source);
  return () => void queueSources.delete(source);
}

const encodeDuration = new Histogram({
  name: 'fffoto_encode_duration_seconds',
  help: 'Encode job attempts by outcome (completed; retried: failed, another attempt follows; failed: for good), and how long each took (seconds).',
  labelNames: ['outcome'] as const,
  buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [registry],
});

export function recordEncode(outcome: 'completed' | 'retried' | 'failed', startedAt: number): void {
  encodeDuration.observe({ outcome }, (performance.now() - startedAt) / 1000);
}

let defaultsOn = false;

/** Node's default process metrics (CPU, memory, event loop lag, GC), once, when metrics are served. */
export function collectProcessMetrics(): void {
  if (!defaultsOn) collectDefaultMetrics({ register: registry });
  defaultsOn = true;
}
