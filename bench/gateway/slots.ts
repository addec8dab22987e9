/**
 * The part of bench/gateway's process sections (small.ts, feed.ts) that measures: gateways run
 * as processes of their own, one at a time on one port, over subgraphs in this process; every
 * query runs BENCH_SECONDS per gateway per round with BENCH_CONNECTIONS clients, each one
 * keep-alive connection sending its next request when the last is answered. Rounds take the
 * gateways in a different order each time. Prints one line per gateway slot, then the table
 * (README.md, "Small queries", says how to read it) and the answers compared with stock's.
 *
 * Subgraph requests are counted where they arrive, at the subgraphs' own HTTP servers in this
 * process (node:diagnostics_channel 'http.server.request.start'): no proxy hop on the clock, and
 * the same count for every gateway. Ours' own count (GET /ready subgraphRequests) is read
 * around each timed window as a cross-check and for the number it deduplicated.
 */
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, type ServiceProcess } from '../../tests/support/processes.ts';
import type { Stack } from '../../tests/support/stack.ts';
// Deterministic (mulberry32): every gateway of a round gets the same sequence.
import { prng } from '../../subgraphs/media/src/pipeline/grain.ts';
import { cleanupMark, cleanupTo, onCleanup } from '../support/cleanups.ts';
import { benchGatewayFlags, startGatewayProcess } from '../support/gateway-process.ts';
import { cpuMsOf, fmt, loadAverage, ownCpuMs, quantile, rssMbOf } from '../support/proc-stats.ts';
import { STOCK_GATEWAY_MAIN } from '../support/stock-gateway-main.ts';

const SAMPLES = 5; // serial requests per query whose answers are compared between gateways

export type GatewayKey = 'stock' | 'ours-off' | 'ours-on';
const LABEL: Record<GatewayKey, string> = { stock: 'stock', 'ours-off': 'ours, dedupe off', 'ours-on': 'ours, dedupe on' };
/** Round r takes the gateways in ORDERS[r % 6] (indexes into the list given): as given, reversed, then the other four. */
const ORDERS: number[][] = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1], [2, 0, 1], [1, 0, 2]];

type Data = Record<string, unknown>;
export interface SlotQuery {
  key: string;
  title: string;
  /** The request body; `rand` is the round's generator (the same sequence for every gateway). */
  body: (rand: () => number) => string;
  /** The Authorization header of client `i`, if any. */
  auth: (i: number) => string | undefined;
  /** A correct answer's data (checked on every response). */
  valid: (data: Data) => boolean;
  /** The answer as compared between gateways (default: data, and errors' codes and messages). */
  comparable?: (body: { data?: unknown; errors?: Array<{ message?: string; extensions?: { code?: string } }> }) => string;
}

export interface SlotsOptions {
  /** Our gateway's environment (SUPERGRAPH_FILE, SUBGRAPH_URLS, JWKS_URL, Redis): the stack's. */
  stack: Stack;
  /**
   * The subgraphs whose requests are counted (name → URL), in the table's order. With
   * `route`, the gateways are sent to these URLs (SUBGRAPH_URLS) instead of the stack's.
   */
  subgraphs: Array<[string, string]>;
  route?: boolean;
  queries: SlotQuery[];
  /** The gateways, in the order of the first round; stock must be one of them. */
  gateways: GatewayKey[];
  seconds: number;
  rounds: number;
  connections: number;
  warmupSeconds: number;
}

interface Failures {
  statuses: Map<number, number>;
  graphqlErrors: number;
  network: number;
  samples: string[];
}

interface Window {
  answered: number;
  ok: number;
  elapsedMs: number;
  latencies: number[];
  failures: Failures;
}

interface Tally {
  answered: number;
  ok: number;
  elapsedMs: number;
  latencies: number[];
  gatewayCpuMs: number;
  benchCpuMs: number;
  /** The gateway process's peak resident memory (VmHWM) seen at the end of a timed window. */
  peakRssMb: number;
  subgraph: Record<string, number>;
  /** Ours only: GET /ready subgraphRequests deltas. */
  ready?: { requests: number; deduplicated: number };
  failures: Failures;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newFailures = (): Failures => ({ statuses: new Map(), graphqlErrors: 0, network: 0, samples: [] });
const failed = (f: Failures) => f.graphqlErrors + f.network + [...f.statuses.values()].reduce((a, b) => a + b, 0);
function mergeFailures(into: Failures, from: Failures): void {
  for (const [s, n] of from.statuses) into.statuses.set(s, (into.statuses.get(s) ?? 0) + n);
  into.graphqlErrors += from.graphqlErrors;
  into.network += from.network;
  for (const s of from.samples) if (into.samples.length < 3 && !into.samples.includes(s)) into.samples.push(s);
}
const describeFailures = (f: Failures) =>
  [...[...f.statuses].map(([s, n]) => `${n}× HTTP ${s}`), f.graphqlErrors ? `${f.graphqlErrors}× GraphQL errors/bad data` : '', f.network ? `${f.network}× network error` : '']
    .filter(Boolean).join(', ');
const defaultComparable: NonNullable<SlotQuery['comparable']> = (body) =>
  JSON.stringify({ data: body.data, errors: body.errors?.map((e) => `${e.extensions?.code ?? ''} ${e.message ?? ''}`) });

/** One POST /graphql over `agent` (one keep-alive connection per client). */
function send(agent: http.Agent, port: number, body: string, auth: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (auth) headers.authorization = auth;
    const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function runGatewaySlots(o: SlotsOptions): Promise<void> {
  const { queries, seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS } = o;
  const GATEWAYS = o.gateways;
  if (!GATEWAYS.includes('stock')) throw new Error('runGatewaySlots: stock is the baseline and must be measured');
  const mark = cleanupMark();
  try {
    // Subgraph requests, counted as they arrive at the subgraphs' servers.
    const subgraphNames = o.subgraphs.map(([name]) => name);
    const names = new Map<number, string>(o.subgraphs.map(([name, url]) => [Number(new URL(url).port), name]));
    const serverName = new WeakMap<object, string>();
    const arrived: Record<string, number> = Object.fromEntries([...subgraphNames, 'other'].map((n) => [n, 0]));
    const onRequest = (message: unknown) => {
      const { request, server } = message as { request: http.IncomingMessage; server: http.Server };
      let name = serverName.get(server);
      if (!name) {
        name = names.get((server.address() as AddressInfo | null)?.port ?? -1) ?? 'other';
        serverName.set(server, name);
      }
      // JWKS fetches and the like go to other paths of the users server.
      arrived[name !== 'other' && request.url?.startsWith('/graphql') ? name : 'other']!++;
    };
    dc.subscribe('http.server.request.start', onRequest);
    onCleanup('stop counting subgraph requests', () => dc.unsubscribe('http.server.request.start', onRequest));

    /** Keeps CONNECTIONS clients busy with `q` for `seconds`. */
    async function drive(port: number, q: SlotQuery, seconds: number, rand: () => number): Promise<Window> {
      const latencies: number[] = [];
      const failures = newFailures();
      let answered = 0;
      let ok = 0;
      const agents = Array.from({ length: CONNECTIONS }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
      const t = performance.now();
      const deadline = t + seconds * 1000;
      try {
        await Promise.all(agents.map(async (agent, i) => {
          const auth = q.auth(i);
          while (performance.now() < deadline) {
            const body = q.body(rand);
            const sent = performance.now();
            let answer: { status: number; text: string };
            try {
              answer = await send(agent, port, body, auth);
            } catch (err) {
              failures.network++;
              if (failures.samples.length < 3) failures.samples.push(`network: ${(err as Error).message}`);
              await sleep(20);
              continue;
            }
            const ms = performance.now() - sent;
            answered++;
            if (answer.status !== 200) {
              failures.statuses.set(answer.status, (failures.statuses.get(answer.status) ?? 0) + 1);
              if (failures.samples.length < 3) failures.samples.push(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
              continue;
            }
            let parsed: { data?: Data | null; errors?: unknown[] } | undefined;
            try {
              parsed = JSON.parse(answer.text) as typeof parsed;
            } catch {
              parsed = undefined;
            }
            if (!parsed?.data || parsed.errors?.length || !q.valid(parsed.data)) {
              failures.graphqlErrors++;
              if (failures.samples.length < 3) failures.samples.push(`200 with errors/bad data: ${answer.text.slice(0, 300)}`);
              continue;
            }
            ok++;
            latencies.push(ms);
          }
        }));
      } finally {
        for (const a of agents) a.destroy();
      }
      return { answered, ok, elapsedMs: performance.now() - t, latencies, failures };
    }

    // ---------- one gateway process at a time, on one port ----------
    const port = await freePort();
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const envOf = (key: GatewayKey): NodeJS.ProcessEnv => ({
      ...o.stack.gatewayEnv, // SUPERGRAPH_FILE, SUBGRAPH_URLS (direct), JWKS_URL, Redis
      ...(o.route ? { SUBGRAPH_URLS: o.subgraphs.map(([name, url]) => `${name}=${url}`).join(',') } : {}),
      GATEWAY_PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...(key === 'stock' ? {} : { GATEWAY_DEDUPE_REQUESTS: String(key === 'ours-on') }),
    });
    async function startSlotGateway(key: GatewayKey): Promise<ServiceProcess> {
      const proc = await startGatewayProcess(key === 'stock' ? STOCK_GATEWAY_MAIN : 'gateway/src/main.ts', envOf(key), port, LABEL[key]);
      onCleanup(`stop gateway process (${LABEL[key]})`, () => proc.kill());
      return proc;
    }
    const readyCounts = async (): Promise<{ requests: number; deduplicated: number } | undefined> => {
      const res = await fetch(`${gatewayUrl}/ready`);
      return ((await res.json()) as { subgraphRequests?: { requests: number; deduplicated: number } }).subgraphRequests;
    };

    /** Answers to fixed requests, compared between gateways at the end. */
    const answers = new Map<string, Map<GatewayKey, string[]>>(queries.map((q) => [q.key, new Map()]));
    async function sampleAnswers(key: GatewayKey): Promise<void> {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (const q of queries) {
          const rand = prng(4242);
          const got: string[] = [];
          for (let s = 0; s < SAMPLES; s++) {
            const { status, text } = await send(agent, port, q.body(rand), q.auth(s));
            let shown = text;
            try {
              shown = (q.comparable ?? defaultComparable)(JSON.parse(text) as Parameters<typeof defaultComparable>[0]);
            } catch {
              // not JSON: compared as it came
            }
            got.push(`${status} ${shown}`);
          }
          answers.get(q.key)!.set(key, got);
        }
      } finally {
        agent.destroy();
      }
    }

    const tallies = new Map<string, Tally>();
    const tallyOf = (q: SlotQuery, key: GatewayKey): Tally => {
      const id = `${q.key}/${key}`;
      let t = tallies.get(id);
      if (!t) {
        t = { answered: 0, ok: 0, elapsedMs: 0, latencies: [], gatewayCpuMs: 0, benchCpuMs: 0, peakRssMb: 0, subgraph: Object.fromEntries(Object.keys(arrived).map((n) => [n, 0])), failures: newFailures() };
        tallies.set(id, t);
      }
      return t;
    };
    const warmupFailures = new Map<GatewayKey, Failures>(GATEWAYS.map((g) => [g, newFailures()]));
    const sampled = new Set<GatewayKey>();

    const perSlot = queries.length * (SECONDS + WARMUP_SECONDS) + 3;
    console.log(`${ROUNDS} round(s) × ${GATEWAYS.length} gateways × ${queries.length} queries × (${WARMUP_SECONDS} s warm-up + ${SECONDS} s timed), ` +
      `${CONNECTIONS} clients: about ${Math.ceil((ROUNDS * GATEWAYS.length * perSlot) / 60)} min; gateway port ${port}; ` +
      `every gateway's node flags: ${benchGatewayFlags().join(' ') || '(defaults)'} (BENCH_GATEWAY_FLAGS)`);
    for (let r = 0; r < ROUNDS; r++) {
      const order = GATEWAYS.length === 3 ? ORDERS[r % ORDERS.length]!.map((i) => GATEWAYS[i]!) : r % 2 ? [...GATEWAYS].reverse() : GATEWAYS;
      console.log(`round ${r + 1}/${ROUNDS}: ${order.map((g) => LABEL[g]).join(' → ')}`);
      for (const key of order) {
        const slotMark = cleanupMark();
        try {
          const proc = await startSlotGateway(key);
          const pid = proc.child.pid!;
          // Warm-up (query plans, JIT, connection pools), then answers to fixed requests once per gateway.
          for (const q of queries) mergeFailures(warmupFailures.get(key)!, (await drive(port, q, WARMUP_SECONDS, prng(7 + r))).failures);
          if (!sampled.has(key)) {
            await sampleAnswers(key);
            sampled.add(key);
          }
          const line: string[] = [];
          for (const [qi, q] of queries.entries()) {
            const ready0 = key === 'stock' ? undefined : await readyCounts();
            const arrived0 = { ...arrived };
            const cpu0 = cpuMsOf(pid);
            const bench0 = ownCpuMs();
            const w = await drive(port, q, SECONDS, prng(1000 * (r + 1) + qi));
            const gatewayCpu = cpuMsOf(pid) - cpu0;
            const benchCpu = ownCpuMs() - bench0;
            const arrivedNow = { ...arrived };
            const ready1 = key === 'stock' ? undefined : await readyCounts();
            const t = tallyOf(q, key);
            t.answered += w.answered;
            t.ok += w.ok;
            t.elapsedMs += w.elapsedMs;
            for (const ms of w.latencies) t.latencies.push(ms);
            t.gatewayCpuMs += gatewayCpu;
            t.benchCpuMs += benchCpu;
            t.peakRssMb = Math.max(t.peakRssMb, rssMbOf(pid).peak);
            for (const k of Object.keys(arrived)) t.subgraph[k]! += arrivedNow[k]! - arrived0[k]!;
            if (ready0 && ready1) {
              t.ready ??= { requests: 0, deduplicated: 0 };
              t.ready.requests += ready1.requests - ready0.requests;
              t.ready.deduplicated += ready1.deduplicated - ready0.deduplicated;
            }
            mergeFailures(t.failures, w.failures);
            const bad = failed(w.failures);
            line.push(`${q.key} ${fmt((w.ok / w.elapsedMs) * 1000, 0)}/s ${fmt(gatewayCpu / Math.max(1, w.answered), 2)} ms${bad ? ` (${bad} failed)` : ''}`);
          }
          console.log(`  ${LABEL[key].padEnd(16)} ${line.join(' | ')}; load ${loadAverage()}`);
          if (proc.exit()) console.log(`  ${LABEL[key]} exited during its slot: ${JSON.stringify(proc.exit())}\n${proc.stderr().slice(-2000)}`);
          const stderr = proc.stderr().trim();
          if (stderr) console.log(`  ${LABEL[key]} stderr: ${stderr.slice(-1000)}`);
        } finally {
          await cleanupTo(slotMark); // the process goes before the next one takes the port
        }
      }
    }

    // ---------- the table ----------
    const sum = (xs: Record<string, number>) => subgraphNames.reduce((a, n) => a + xs[n]!, 0);
    console.log(`\n${ROUNDS} round(s) of ${SECONDS} s per query per gateway, ${CONNECTIONS} clients; load average now ${loadAverage()}`);
    for (const [i, q] of queries.entries()) console.log(`  Q${i + 1} ${q.key.padEnd(9)} ${q.title}`);
    console.log('  req/s: answered without errors per second; p50/p99: their latency at the client; gw CPU: the gateway process\'s');
    console.log('  user+system CPU per answered request; bench CPU: this process\'s (clients + subgraphs); sub req: requests that reached');
    console.log(`  the subgraphs per answered request (${subgraphNames.join('+')}), counted at their servers; dedup: ours' own count of subgraph`);
    console.log('  requests answered by an identical one in flight (GET /ready), per request; ×stock: ours ÷ stock; RSS: the gateway');
    console.log('  process\'s peak resident memory.');
    const header = ['query', 'gateway', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU ms', 'RSS MB', 'bench CPU ms', 'sub req', `(${subgraphNames.join('+')})`, 'dedup', 'req/s ×stock', 'CPU ×stock', 'failed'];
    const rows: string[][] = [];
    const notes: string[] = [];
    for (const [i, q] of queries.entries()) {
      const stock = tallies.get(`${q.key}/stock`);
      const stockRps = stock ? (stock.ok / stock.elapsedMs) * 1000 : NaN;
      const stockCpu = stock ? stock.gatewayCpuMs / stock.answered : NaN;
      for (const key of ['stock', 'ours-off', 'ours-on'] as const) {
        const t = tallies.get(`${q.key}/${key}`);
        if (!t) continue;
        const lat = t.latencies.sort((a, b) => a - b);
        const rps = (t.ok / t.elapsedMs) * 1000;
        const cpu = t.gatewayCpuMs / t.answered;
        const per = (n: number) => n / t.answered;
        const bad = failed(t.failures);
        rows.push([
          `Q${i + 1} ${q.key}`, LABEL[key], fmt(rps, 0), fmt(quantile(lat, 0.5)), fmt(quantile(lat, 0.99)), fmt(cpu, 3), fmt(t.peakRssMb, 0), fmt(t.benchCpuMs / t.answered, 3),
          fmt(per(sum(t.subgraph)), 2), `(${subgraphNames.map((n) => fmt(per(t.subgraph[n]!), 2)).join('+')})`,
          t.ready ? fmt(per(t.ready.deduplicated), 2) : '-',
          key === 'stock' ? '1.00' : fmt(rps / stockRps, 2), key === 'stock' ? '1.00' : fmt(cpu / stockCpu, 2), String(bad),
        ]);
        if (bad) notes.push(`Q${i + 1} ${q.key}, ${LABEL[key]}: ${bad} of ${t.answered + t.failures.network} failed: ${describeFailures(t.failures)}; e.g. ${t.failures.samples.join(' | ')}`);
        if (t.subgraph.other) notes.push(`Q${i + 1} ${q.key}, ${LABEL[key]}: ${t.subgraph.other} requests to other paths/servers in this process (JWKS?) during the timed windows`);
        if (t.ready) {
          const sent = t.ready.requests - t.ready.deduplicated;
          const counted = sum(t.subgraph);
          if (Math.abs(sent - counted) > Math.max(2, counted * 0.01)) {
            notes.push(`Q${i + 1} ${q.key}, ${LABEL[key]}: the gateway says it sent ${sent} subgraph requests (${t.ready.requests} − ${t.ready.deduplicated} deduplicated), the subgraphs counted ${counted}`);
          }
        }
      }
    }
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
    const left = new Set([0, 1, 9]);
    const printRow = (row: string[]) => console.log(row.map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    printRow(header);
    rows.forEach((row, k) => {
      if (k > 0 && row[0] !== rows[k - 1]![0]) console.log('');
      printRow(row);
    });

    // Answers compared: ours (each setting) against stock, on the same fixed requests.
    console.log(`\nanswers to ${SAMPLES} fixed requests per query, compared with stock's:`);
    for (const [i, q] of queries.entries()) {
      const byGateway = answers.get(q.key)!;
      const stock = byGateway.get('stock');
      const parts = GATEWAYS.filter((g) => g !== 'stock').map((key) => {
        const ours = byGateway.get(key);
        if (!ours || !stock) return `${LABEL[key]} n/a`;
        const same = ours.filter((a, s) => a === stock[s]).length;
        if (same < ours.length) {
          const s = ours.findIndex((a, k) => a !== stock[k]);
          notes.push(`Q${i + 1} ${q.key}: ${LABEL[key]} answered request ${s + 1} differently:\n    ours : ${ours[s]!.slice(0, 400)}\n    stock: ${stock[s]!.slice(0, 400)}`);
        }
        return `${LABEL[key]} ${same}/${ours.length} identical`;
      });
      console.log(`  Q${i + 1} ${q.key.padEnd(9)} ${parts.join(', ')}`);
    }
    for (const [key, f] of warmupFailures) {
      if (failed(f)) notes.push(`warm-up, ${LABEL[key]}: ${describeFailures(f)}; e.g. ${f.samples.join(' | ')}`);
    }
    console.log(notes.length ? `\nodd things:\n${notes.map((n) => `  - ${n}`).join('\n')}` : '\nno failed requests, no differing answers');
  } finally {
    await cleanupTo(mark);
  }
}
