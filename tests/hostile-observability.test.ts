// Observability under attack and under failure. A public client's W3C trace headers at the
// gateway (the edge): they must not force sampling, choose the trace, or reach the subgraphs
// (baggage, tracestate); a collector that takes spans and never answers must not hold a
// shutdown past its bound; the metrics port must shed slow and surplus connections; a queue
// whose Redis is away must cost a scrape one pending call, not one per scrape. Real processes
// (users and a gateway over it) where the wiring is the point; the metrics server in process.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '@fffoto/shared/http';
import { registry, watchQueue } from '@fffoto/shared/metrics';
import { METRICS_MAX_CONNECTIONS, serveMetrics } from '@fffoto/shared/observability';
import { startTracing, TRACING_STOP_MS } from '@fffoto/shared/tracing';
import { trace } from '@opentelemetry/api';
import { subgraphFetcher } from '../gateway/src/subgraph-fetcher.ts';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.ts';
import { composeSupergraphFile } from './support/gateway-services.ts';
import { ENTRIES } from './support/process-stack.ts';
import { freePort, spawnEntry, waitForHttp, type ServiceProcess } from './support/processes.ts';

const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
  for (const name of ['GATEWAY_INTROSPECTION', 'SUPERGRAPH_FILE', 'SUBGRAPH_URLS', 'JWT_PRIVATE_KEY', 'METRICS_PORT', 'OTEL_SERVICE_NAME']) delete env[name];
  return env;
};

const CLIENT_TRACE = 'feedfacefeedfacefeedfacefeedface';
const CLIENT_SPAN = 'badc0ffee0ddf00d';

describe('a client\'s trace headers at the gateway', () => {
  let receiver: OtlpReceiver;
  let users: ServiceProcess;
  let gateway: ServiceProcess;
  let proxy: Server;
  let gatewayUrl: string;
  const seen: IncomingHttpHeaders[] = []; // what users was sent by the gateway
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.stop());
    const [usersPort, gatewayPort] = [await freePort(), await freePort()];
    users = spawnEntry(ENTRIES.users, { ...baseEnv(), USERS_PORT: String(usersPort) });
    cleanups.push(() => users.kill());
    // Between the gateway and users: records each call's headers, passes it on.
    proxy = createServer((req, res) => {
      seen.push(req.headers);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
        const answer = await fetch(`http://127.0.0.1:${usersPort}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
      });
    });
    const proxyPort = await listen(proxy, 0, '127.0.0.1');
    cleanups.push(() => new Promise((r) => { proxy.close(r); proxy.closeAllConnections(); }));
    const supergraph = composeSupergraphFile(['users']);
    cleanups.push(() => supergraph.remove());
    await waitForHttp(`http://127.0.0.1:${usersPort}/health`, users, 60_000);
    // A sampler an operator picks to keep 0% of traces the gateway starts: only a parent's
    // "sampled" flag could make it keep one, and at the edge that parent is anybody.
    gateway = spawnEntry(ENTRIES.gateway, {
      ...baseEnv(),
      GATEWAY_PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      SUPERGRAPH_FILE: supergraph.file,
      SUBGRAPH_URLS: `users=http://127.0.0.1:${proxyPort}/graphql`,
      JWKS_URL: `http://127.0.0.1:${usersPort}/.well-known/jwks.json`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    cleanups.push(() => gateway.kill());
    await waitForHttp(`http://127.0.0.1:${gatewayPort}/health`, gateway, 60_000);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  }, 90_000);
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  /** The headers users got for one query sent with `headers`. */
  async function forwarded(name: string, headers: Record<string, string>): Promise<IncomingHttpHeaders> {
    const from = seen.length;
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: `query ${name} { searchUsers(query: "nobody_here", first: 1) { id } }` }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { searchUsers: [] } });
    expect(seen.length - from).toBe(1);
    return seen.at(-1)!;
  }

  it('cannot force sampling, pick the trace id, or send tracestate and baggage on to the subgraphs', async () => {
    const sent = await forwarded('ForcedSample', {
      traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
      tracestate: 'vendor=attacker',
      baggage: 'user.id=forged,admin=true',
    });
    const parent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(sent.traceparent));
    expect(parent, 'the gateway still propagates its own context').not.toBeNull();
    expect(parent![1]).not.toBe(CLIENT_TRACE);
    expect(parent![3], 'the operator\'s sampler decides (0%), not the client').toBe('00');
    expect(sent.tracestate).toBeUndefined();
    expect(sent.baggage).toBeUndefined();
  });

  it('a malformed or oversized traceparent/tracestate is ignored: the request is answered, the gateway starts its own trace', async () => {
    const cases: Array<Record<string, string>> = [
      { traceparent: 'garbage' },
      { traceparent: `ff-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      { traceparent: `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01` },
      { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, tracestate: Array.from({ length: 60 }, (_, i) => `k${i}=${'v'.repeat(200)}`).join(',') },
    ];
    for (const headers of cases) {
      const sent = await forwarded('Malformed', headers);
      expect(String(sent.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(String(sent.traceparent)).not.toContain(CLIENT_TRACE);
      expect(sent.tracestate).toBeUndefined();
    }
  });
});

describe('a collector that takes spans and never answers', () => {
  it('does not hold a SIGTERM past the tracing bound: the process exits 0 within seconds', async () => {
    // Accepts connections and reads, never answers: the exporter waits for its own timeout (10 s).
    const held: Socket[] = [];
    const hole = createTcpServer((s) => void held.push(s.on('data', () => undefined)));
    const holePort = await new Promise<number>((r) => hole.listen(0, '127.0.0.1', () => r((hole.address() as { port: number }).port)));
    const port = await freePort();
    const proc = spawnEntry(ENTRIES.users, {
      ...baseEnv(),
      USERS_PORT: String(port),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${holePort}`,
      OTEL_BSP_SCHEDULE_DELAY: '600000', // only the shutdown's flush exports
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, proc, 60_000);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(res.status).toBe(200);
      const t0 = performance.now();
      proc.child.kill('SIGTERM');
      expect(await proc.waitForExit(30_000)).toEqual({ code: 0, signal: null });
      expect(performance.now() - t0, 'shutdown time with a black-holing collector (ms)').toBeLessThan(TRACING_STOP_MS + 3_000);
      expect(held.length, 'the flush was tried').toBeGreaterThan(0);
    } finally {
      await proc.kill();
      for (const s of held) s.destroy();
      hole.close();
    }
  }, 60_000);
});

describe('the metrics port', () => {
  let metrics: { port: number; stop(): Promise<void> };
  beforeAll(async () => {
    metrics = await serveMetrics(0, '127.0.0.1');
  });
  afterAll(() => metrics?.stop());

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const s = connect(metrics.port, '127.0.0.1', () => resolve(s)).once('error', reject);
    });
  const closedWithin = (s: Socket, ms: number) =>
    new Promise<boolean>((resolve) => {
      if (s.destroyed || s.readyState === 'closed') return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      s.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
      s.on('error', () => undefined);
      s.resume();
    });

  it('drops a client that never finishes its headers (slowloris) within seconds, and still answers scrapes', async () => {
    const slow = await open();
    slow.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    expect(await closedWithin(slow, 9_000), 'a half-sent request is dropped').toBe(true);
    expect((await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).status).toBe(200);
  }, 15_000);

  it('holds a bounded number of connections: surplus ones are closed at once', async () => {
    const sockets = await Promise.all(Array.from({ length: 100 }, open));
    try {
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 1_000)));
      expect(closed.filter(Boolean).length, 'connections refused past the cap').toBeGreaterThanOrEqual(100 - METRICS_MAX_CONNECTIONS);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});

describe('the queue-depth gauge while the queue does not answer (Redis away)', () => {
  it('a scrape is bounded, and scrapes share one pending call rather than piling up one each', async () => {
    let calls = 0;
    const unwatch = watchQueue(() => {
      calls++;
      return new Promise(() => undefined); // BullMQ waiting for Redis: never settles
    });
    try {
      const t0 = performance.now();
      const texts = await Promise.all(Array.from({ length: 5 }, () => registry.metrics()));
      texts.push(await registry.metrics());
      expect(performance.now() - t0, 'six scrapes (ms)').toBeLessThan(4_000);
      for (const text of texts) expect(text).not.toMatch(/^fffoto_encode_queue_jobs\{/m);
      expect(calls, 'calls made to the queue').toBe(1);
    } finally {
      unwatch();
    }
  }, 10_000);
});

describe('identical subgraph queries in flight, with tracing on in this process', () => {
  it('are still sent once: the traceparent of each caller does not keep them apart', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = startTracing('hostile-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    const received: IncomingHttpHeaders[] = [];
    const subgraph = createServer((req, res) => {
      received.push(req.headers);
      req.resume();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"a":1}}'), 200);
    });
    const port = await listen(subgraph, 0, '127.0.0.1');
    try {
      expect(tracing, 'tracing on').toBeDefined();
      const fetcher = subgraphFetcher({ dedupe: true, timeoutMs: 5_000, subgraphOf: () => 'users' });
      const tracer = trace.getTracer('hostile-test');
      // Two requests of two different traces (each its own server span) ask the same query at once.
      const ask = (name: string) =>
        tracer.startActiveSpan(name, async (span) => {
          const res = await fetcher(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ a }"}' });
          span.end();
          return res.json();
        });
      expect(await Promise.all([ask('first'), ask('second')])).toEqual([{ data: { a: 1 } }, { data: { a: 1 } }]);
      expect(received).toHaveLength(1);
      expect(String(received[0]!.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(fetcher.stats()).toEqual({ requests: 2, deduplicated: 1 });
      // Its client span reaches the endpoint given to startTracing (not only one in process.env).
      await tracing!.stop();
      expect(receiver.spans.filter((s) => s.name === 'POST users' && s.service === 'hostile-test')).toHaveLength(1);
    } finally {
      await tracing?.stop();
      await new Promise((r) => subgraph.close(r));
      await receiver.stop();
    }
  });
});
