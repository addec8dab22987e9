// Prometheus metrics of every process, each a real OS process with its own METRICS_PORT: GET
// /metrics answers the text exposition format (parsed strictly below: every sample of a declared
// family, label syntax, values, cumulative histogram buckets ending in +Inf = _count), with Node's
// process metrics, and counts exactly the requests just made: at the gateway (HTTP, operation,
// subgraph call), at the subgraph it called, at each subgraph asked directly, at the worker's
// health port. Also: errors counted by operation, live connections, the queue's depth, and the
// bound on operation-name labels (pure logic, no process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPERATION_NAMES, operationLabel } from '@fffoto/shared/metrics';
import { liveClient } from './support/live-client.ts';
import { skipWithout } from './support/needs.ts';
import { startProcessStack, type ProcessStack, type ServiceName } from './support/process-stack.ts';

// ---------- a strict reader of the Prometheus text format (version 0.0.4) ----------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/;

/** A float as Go's strconv.ParseFloat reads it (Prometheus' rule): NaN and Inf in any case (prom-client writes "Nan"). */
function parseValue(text: string, line: string): number {
  if (/^[+]?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in: ${line}`);
  return Number(text);
}

function parseLabels(text: string | undefined, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  let rest = text.slice(1, -1);
  while (rest.length) {
    const m = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!m || !LABEL_NAME.test(m[1]!)) throw new Error(`bad labels in: ${line}`);
    if (m[1]! in labels) throw new Error(`label ${m[1]} twice in: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

/** The family a sample belongs to: its own name, or a histogram's/summary's without the suffix. */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return m && ['histogram', 'summary'].includes(types.get(m[1]!) ?? '') ? m[1] : undefined;
}

function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      if (kind === 'HELP') {
        if (helps.has(name)) throw new Error(`HELP twice for ${name}`);
        helps.add(name);
      } else {
        if (types.has(name)) throw new Error(`TYPE twice for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type in: ${line}`);
        if (samples.some((s) => familyOf(s.name, new Map([[name, rest]])) === name)) throw new Error(`TYPE after samples of ${name}`);
        types.set(name, rest);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample: ${line}`);
    const sample = { name: m[1]!, labels: parseLabels(m[2], line), value: parseValue(m[3]!, line) };
    if (!familyOf(sample.name, types)) throw new Error(`sample of an undeclared family: ${line}`);
    samples.push(sample);
  }
  // Histograms: per label set, buckets cumulative, the last le="+Inf", equal to _count.
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${family}_bucket without le`);
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      const last = buckets.at(-1)!;
      if (last.labels.le !== '+Inf') throw new Error(`${family}${key}: last bucket is not +Inf`);
      buckets.reduce((prev, b) => {
        if (b.value < prev) throw new Error(`${family}${key}: buckets not cumulative`);
        return b.value;
      }, 0);
      const count = samples.find((s) => s.name === `${family}_count` && JSON.stringify(s.labels) === key);
      if (count?.value !== last.value) throw new Error(`${family}${key}: _count ${count?.value} ≠ +Inf bucket ${last.value}`);
    }
  }
  return { types, samples };
}

/** The value of the one sample named `name` with exactly these labels (0 when there is none yet). */
function valueOf(exp: Exposition, name: string, labels: Record<string, string>): number {
  const found = exp.samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} appears ${found.length} times`);
  return found[0]?.value ?? 0;
}

describe('the Prometheus text reader above is strict', () => {
  it('accepts a well-formed exposition and refuses broken ones', () => {
    const good = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1",y="q\\"uote"} 3\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n';
    expect(valueOf(parseExposition(good), 'a_total', { x: '1', y: 'q"uote' })).toBe(3);
    for (const bad of [
      'a_total 1\n', // no TYPE
      '# TYPE a_total counter\na_total{x=1} 1\n', // unquoted label value
      '# TYPE a_total counter\na_total one\n', // not a number
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n', // not cumulative
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n', // +Inf ≠ count
      '# TYPE a_total counter\na_total 1', // no final newline
    ]) expect(() => parseExposition(bad), bad).toThrow();
  });
});

describe('operation names as label values are bounded', () => {
  it('anonymous, kept up to the cap, then "other"; overlong names are "other"', () => {
    expect(operationLabel(undefined)).toBe('anonymous');
    expect(operationLabel('x'.repeat(101))).toBe('other');
    for (let i = 0; i < MAX_OPERATION_NAMES + 5; i++) operationLabel(`Op${i}`);
    expect(operationLabel('Op0')).toBe('Op0'); // one seen before the cap stays itself
    expect(operationLabel('BrandNew')).toBe('other');
  });
});

// ---------- every process ----------

let stack: ProcessStack;
beforeAll(async () => {
  stack = await startProcessStack();
}, 240_000);
afterAll(() => stack?.stop());

async function scrape(service: ServiceName): Promise<Exposition> {
  const res = await fetch(stack.services[service]!.metricsUrl);
  expect(res.status, `${service} /metrics`).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

const post = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

const HTTP = 'fffoto_http_request_duration_seconds_count';
const OPS = 'fffoto_graphql_operation_duration_seconds_count';

describe('GET /metrics of each process', () => {
  it('parses, has the process metrics, and nothing else is served there', async () => {
    const names = Object.keys(stack.services) as ServiceName[];
    expect(names).toEqual(expect.arrayContaining(['users', 'media', 'posts', 'social', 'gateway']));
    for (const service of names) {
      const exp = await scrape(service);
      expect(exp.types.get('process_cpu_user_seconds_total'), service).toBe('counter');
      expect(exp.types.get('nodejs_eventloop_lag_seconds'), service).toBe('gauge');
      expect(exp.types.get('fffoto_http_request_duration_seconds'), service).toBe('histogram');
      const other = await fetch(stack.services[service]!.metricsUrl.replace('/metrics', '/graphql'));
      expect(other.status).toBe(404);
    }
  });

  it('the gateway counts the request just made, and the call it made to users; users counts that call', async () => {
    const [gwBefore, usersBefore] = [await scrape('gateway'), await scrape('users')];
    const res = await post(stack.gatewayUrl, 'query MetricsProbe { searchUsers(query: "nobody_here", first: 1) { id } }');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { searchUsers: [] } });
    const [gw, users] = [await scrape('gateway'), await scrape('users')];
    const gwHttp = { service: 'gateway', route: '/graphql', method: 'POST', status: '200' };
    expect(valueOf(gw, HTTP, gwHttp) - valueOf(gwBefore, HTTP, gwHttp)).toBe(1);
    expect(valueOf(gw, OPS, { service: 'gateway', operation: 'MetricsProbe', type: 'query' })).toBe(1);
    expect(valueOf(gw, 'fffoto_subgraph_fetch_duration_seconds_count', { subgraph: 'users', outcome: 'ok' }) -
      valueOf(gwBefore, 'fffoto_subgraph_fetch_duration_seconds_count', { subgraph: 'users', outcome: 'ok' })).toBe(1);
    const usersHttp = { service: 'users', route: '/graphql', method: 'POST', status: '200' };
    expect(valueOf(users, HTTP, usersHttp) - valueOf(usersBefore, HTTP, usersHttp)).toBe(1);
    expect(valueOf(users, OPS, { service: 'users', operation: 'MetricsProbe__users__0', type: 'query' })).toBe(1);
  });

  it.each(['media', 'posts', 'social'] as const)('%s counts a request made to it directly', async (service) => {
    const before = await scrape(service);
    const res = await post(stack.services[service]!.url, `query Direct_${service} { __typename }`);
    expect(res.status).toBe(200);
    const after = await scrape(service);
    const http = { service, route: '/graphql', method: 'POST', status: '200' };
    expect(valueOf(after, HTTP, http) - valueOf(before, HTTP, http)).toBe(1);
    expect(valueOf(after, OPS, { service, operation: `Direct_${service}`, type: 'query' })).toBe(1);
  });

  it('errors are counted by operation; a document that never resolves to an operation is "unknown", an unnamed one "anonymous"', async () => {
    const before = await scrape('gateway');
    expect((await post(stack.gatewayUrl, 'query MetricsBroken { noSuchField }')).status).toBe(400);
    expect((await post(stack.gatewayUrl, '{ __typename }')).status).toBe(200);
    const after = await scrape('gateway');
    const unknown = { service: 'gateway', operation: 'unknown', type: 'unknown' };
    expect(valueOf(after, 'fffoto_graphql_operation_errors_total', unknown) - valueOf(before, 'fffoto_graphql_operation_errors_total', unknown)).toBe(1);
    const http400 = { service: 'gateway', route: '/graphql', method: 'POST', status: '400' };
    expect(valueOf(after, HTTP, http400) - valueOf(before, HTTP, http400)).toBe(1);
    const anonymous = { service: 'gateway', operation: 'anonymous', type: 'query' };
    expect(valueOf(after, OPS, anonymous) - valueOf(before, OPS, anonymous)).toBe(1);
    expect(valueOf(after, 'fffoto_graphql_operation_errors_total', anonymous)).toBe(valueOf(before, 'fffoto_graphql_operation_errors_total', anonymous));
  });

  it('the gateway reports its open live connections at scrape time', async () => {
    expect(valueOf(await scrape('gateway'), 'fffoto_live_connections', {})).toBe(0);
    const live = liveClient(stack.gatewayUrl);
    try {
      await live.connected;
      expect(valueOf(await scrape('gateway'), 'fffoto_live_connections', {})).toBe(1);
    } finally {
      await live.dispose();
    }
  });

  it("media reports the encode queue's depth; the encoding process declares its encode histogram", async () => {
    const media = await scrape('media');
    for (const state of ['waiting', 'active']) expect(media.samples.some((s) => s.name === 'fffoto_encode_queue_jobs' && s.labels.state === state), state).toBe(true);
    const encoder = stack.services['media-worker'] ? 'media-worker' : 'media';
    expect((await scrape(encoder)).types.get('fffoto_encode_duration_seconds')).toBe('histogram');
  });

  it.skipIf(skipWithout('redis', 'the media worker process (it consumes the Redis queue)'))('the worker counts a request to its health port', async () => {
    const before = await scrape('media-worker');
    expect((await fetch(stack.services['media-worker']!.url)).status).toBe(200);
    const after = await scrape('media-worker');
    const health = { service: 'media-worker', route: '/health', method: 'GET', status: '200' };
    expect(valueOf(after, HTTP, health) - valueOf(before, HTTP, health)).toBe(1);
  });
});
