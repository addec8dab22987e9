/**
 * Gateway-shape benchmark (README.md here): The Guild's federation gateway benchmark shape — four
 * small subgraphs with fixed data (subgraphs.ts), its nested TestQuery — through stock
 * @apollo/gateway and ours, each gateway its own process, in alternating rounds.
 * Run: npx tsx bench/gateway-shape/run.ts. Prints figures; it is not a test.
 *
 * Env: BENCH_SECONDS (10 per gateway per round), BENCH_ROUNDS (2), BENCH_CONNECTIONS (50),
 * BENCH_WARMUP_SECONDS (3 per gateway, once), BENCH_GATEWAYS ("stock,ours,ours-dedupe-off"),
 * SUBGRAPH_MEMO (true: the subgraphs replay the answer to a body they have seen).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type ServiceProcess } from '../../tests/support/processes.ts';
import { cleanupOnSignals, cleanupTo, onCleanup } from '../support/cleanups.ts';
import { intEnv } from '../support/env.ts';
import { benchGatewayFlags, startGatewayProcess } from '../support/gateway-process.ts';
import { runLoad } from '../support/load.ts';
import { cpuMsOf, fmt, loadAverage, ownCpuMs, quantile, rssMbOf } from '../support/proc-stats.ts';
import { STOCK_GATEWAY_MAIN } from '../support/stock-gateway-main.ts';
import { SUBGRAPH_NAMES, TEST_QUERY, type SubgraphName } from './schemas.ts';
import type { SubgraphCounts } from './subgraph-process.ts';
import { startShapeSubgraphs, type ShapeSubgraphs } from './subgraphs.ts';

const SECONDS = intEnv('BENCH_SECONDS', 10);
const ROUNDS = intEnv('BENCH_ROUNDS', 2);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50);
const WARMUP_SECONDS = intEnv('BENCH_WARMUP_SECONDS', 3);
const SERIAL = 5; // queries sent one at a time per gateway to count subgraph calls per query
const memoFlag = process.env.SUBGRAPH_MEMO ?? 'true';
if (!['true', 'false'].includes(memoFlag)) throw new Error('SUBGRAPH_MEMO must be true or false');
const MEMO = memoFlag === 'true';

type GatewayKey = 'stock' | 'ours' | 'ours-dedupe-off';
const KNOWN: GatewayKey[] = ['stock', 'ours', 'ours-dedupe-off'];
const LABEL: Record<GatewayKey, string> = { stock: 'stock @apollo/gateway', ours: 'ours', 'ours-dedupe-off': 'ours, GATEWAY_DEDUPE_REQUESTS=false' };
const wanted = (process.env.BENCH_GATEWAYS ?? KNOWN.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
const unknown = wanted.filter((g) => !KNOWN.includes(g as GatewayKey));
if (unknown.length || !wanted.includes('stock')) throw new Error(`BENCH_GATEWAYS: ${unknown.join(', ') || 'stock is missing'} (known: ${KNOWN.join(', ')}; stock is the baseline)`);
const GATEWAYS = KNOWN.filter((g) => wanted.includes(g));

const BODY = JSON.stringify({ query: TEST_QUERY, operationName: 'TestQuery' });

process.chdir(fileURLToPath(new URL('../..', import.meta.url)));

interface Gateway {
  key: GatewayKey;
  port: number;
  proc: ServiceProcess;
  /** Its verified answer to the query: every answer under load must equal it byte for byte. */
  expected: string;
}

interface Tally {
  answered: number;
  ok: number;
  failed: number;
  samples: string[];
  elapsedMs: number;
  latencies: number[];
  gatewayCpuMs: number;
  subgraphCpuMs: number;
  benchCpuMs: number;
  rssMb: number;
  peakRssMb: number;
  calls: number;
  representations: number;
}

type Counts = Record<SubgraphName, SubgraphCounts>;
const total = (c: Counts, k: keyof SubgraphCounts) => SUBGRAPH_NAMES.reduce((sum, n) => sum + c[n][k], 0);
const diff = (a: Counts, b: Counts): Counts =>
  Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, {
    requests: b[n].requests - a[n].requests,
    representations: b[n].representations - a[n].representations,
    memoHits: b[n].memoHits - a[n].memoHits,
    failed: b[n].failed - a[n].failed,
  }])) as Counts;

async function post(port: number): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  return { status: res.status, text: await res.text() };
}

/** Where two strings first differ, with some context, for a loud failure. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at character ${i}:\n    ${a.slice(Math.max(0, i - 120), i + 120)}\n    ${b.slice(Math.max(0, i - 120), i + 120)}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`# gateway-shape: The Guild's federation benchmark shape, stock @apollo/gateway vs ours`);
  console.log(`node ${process.version}, ${availableParallelism()} cores; load average at start: ${loadAverage()}`);
  console.log(`${ROUNDS} round(s) × ${GATEWAYS.length} gateways × ${SECONDS} s, ${CONNECTIONS} connections (undici Pool in this process); ` +
    `warm-up ${WARMUP_SECONDS} s per gateway; subgraph memo ${MEMO ? 'ON' : 'off'} (SUBGRAPH_MEMO); ` +
    `every gateway's node flags: ${benchGatewayFlags().join(' ') || '(defaults)'} (BENCH_GATEWAY_FLAGS)`);

  const subgraphs: ShapeSubgraphs = await startShapeSubgraphs({ memo: MEMO });
  onCleanup('stop subgraphs', () => subgraphs.stop());
  const subgraphPids = SUBGRAPH_NAMES.map((n) => subgraphs.processes[n].child.pid!);
  const subgraphCpu = () => subgraphPids.reduce((sum, pid) => sum + cpuMsOf(pid), 0);
  const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-gateway-shape-'));
  onCleanup('remove supergraph dir', () => rmSync(dir, { recursive: true, force: true }));
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraphFile, subgraphs.supergraphSdl);

  // Each gateway its own process, all up for the whole run (idle while another is measured).
  const { REDIS_URL: _redis, ...inherited } = process.env; // ours keeps revocations in process: no Redis on the path
  const gateways: Gateway[] = [];
  for (const key of GATEWAYS) {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      NODE_ENV: 'production',
      // Metrics served as in production, on a port of each gateway's own (all are up at once).
      METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      SUPERGRAPH_FILE: supergraphFile,
      SUBGRAPH_URLS: SUBGRAPH_NAMES.map((n) => `${n}=${subgraphs.urls[n]}`).join(','),
      ...(key === 'ours-dedupe-off' ? { GATEWAY_DEDUPE_REQUESTS: 'false' } : {}),
    };
    const proc = await startGatewayProcess(key === 'stock' ? STOCK_GATEWAY_MAIN : 'gateway/src/main.ts', env, port, LABEL[key]);
    onCleanup(`stop ${LABEL[key]}`, () => proc.kill());
    gateways.push({ key, port, proc, expected: '' });
  }

  // Before measuring: every gateway's answer must equal stock's, byte for byte (so key order too).
  for (const g of gateways) {
    const { status, text } = await post(g.port);
    const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
    if (status !== 200 || !body.data || body.errors) throw new Error(`${LABEL[g.key]} answered ${status}: ${text.slice(0, 1000)}`);
    g.expected = text;
  }
  const stock = gateways.find((g) => g.key === 'stock')!;
  for (const g of gateways) {
    if (g.expected !== stock.expected) throw new Error(`${LABEL[g.key]} and stock answer the query differently ${firstDifference(g.expected, stock.expected)}`);
  }
  console.log(`all ${gateways.length} gateways give the same answer (${stock.expected.length} bytes, no errors)`);

  // Subgraph calls and representations per query, one query at a time (no dedupe across
  // requests). Ours merges the fetches of one tick, so its count may vary from query to query.
  const perQuery = new Map<GatewayKey, Counts[]>();
  for (const g of gateways) {
    const each: Counts[] = [];
    for (let i = 0; i < SERIAL; i++) {
      const before = await subgraphs.counts();
      await post(g.port);
      each.push(diff(before, await subgraphs.counts()));
    }
    perQuery.set(g.key, each);
  }
  /** "mean (min–max)" over the serial queries, of one subgraph or of all. */
  const spread = (key: GatewayKey, k: keyof SubgraphCounts, digits: number, name?: SubgraphName) => {
    const xs = perQuery.get(key)!.map((c) => (name ? c[name][k] : total(c, k)));
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    const mean = fmt(xs.reduce((a, b) => a + b, 0) / xs.length, digits);
    return lo === hi ? String(lo) : `${mean} (${lo}–${hi})`;
  };

  const check = (g: Gateway) => (status: number, text: string) =>
    status !== 200 ? `HTTP ${status}: ${text.slice(0, 300)}` : text !== g.expected ? `a different answer: ${text.slice(0, 300)}` : undefined;
  const load = (g: Gateway, seconds: number) =>
    runLoad({ origin: `http://127.0.0.1:${g.port}`, path: '/graphql', connections: CONNECTIONS, seconds, body: () => BODY, check: check(g) });
  for (const g of gateways) {
    const w = await load(g, WARMUP_SECONDS);
    if (w.network + w.wrong) console.log(`  warm-up ${LABEL[g.key]}: ${w.network + w.wrong} failed, e.g. ${w.samples.join(' | ')}`);
  }

  const tallies = new Map<GatewayKey, Tally>(gateways.map((g) => [g.key, {
    answered: 0, ok: 0, failed: 0, samples: [], elapsedMs: 0, latencies: [], gatewayCpuMs: 0, subgraphCpuMs: 0, benchCpuMs: 0, rssMb: 0, peakRssMb: 0, calls: 0, representations: 0,
  }]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? gateways : [...gateways].reverse();
    console.log(`round ${r + 1}/${ROUNDS}: ${order.map((g) => g.key).join(' → ')}`);
    for (const g of order) {
      const pid = g.proc.child.pid!;
      const counts0 = await subgraphs.counts();
      const [gw0, sub0, bench0] = [cpuMsOf(pid), subgraphCpu(), ownCpuMs()];
      const w = await load(g, SECONDS);
      const [gw1, sub1, bench1] = [cpuMsOf(pid), subgraphCpu(), ownCpuMs()];
      const counts = diff(counts0, await subgraphs.counts());
      const rss = rssMbOf(pid);
      const t = tallies.get(g.key)!;
      t.answered += w.answered;
      t.ok += w.ok;
      t.failed += w.network + w.wrong;
      for (const s of w.samples) if (t.samples.length < 3) t.samples.push(s);
      t.elapsedMs += w.elapsedMs;
      for (const ms of w.latencies) t.latencies.push(ms);
      t.gatewayCpuMs += gw1 - gw0;
      t.subgraphCpuMs += sub1 - sub0;
      t.benchCpuMs += bench1 - bench0;
      t.rssMb = Math.max(t.rssMb, rss.now);
      t.peakRssMb = Math.max(t.peakRssMb, rss.peak);
      t.calls += total(counts, 'requests');
      t.representations += total(counts, 'representations');
      console.log(`  ${g.key.padEnd(15)} ${fmt((w.ok / w.elapsedMs) * 1000, 0)} req/s, gateway ${fmt((gw1 - gw0) / Math.max(1, w.answered), 2)} ms CPU/req, ` +
        `RSS ${fmt(rss.now, 0)} MB${w.network + w.wrong ? `, ${w.network + w.wrong} failed` : ''}; load ${loadAverage()}`);
      if (g.proc.exit()) throw new Error(`${LABEL[g.key]} exited during its window: ${JSON.stringify(g.proc.exit())}\n${g.proc.stderr().slice(-2000)}`);
    }
  }

  // ---------- the table ----------
  const base = tallies.get('stock')!;
  const rpsOf = (t: Tally) => (t.ok / t.elapsedMs) * 1000;
  const cpuOf = (t: Tally) => t.gatewayCpuMs / Math.max(1, t.answered);
  console.log(`\n${ROUNDS} round(s) of ${SECONDS} s per gateway, ${CONNECTIONS} connections, subgraph memo ${MEMO ? 'on' : 'off'}; load average now ${loadAverage()}\n`);
  const header = ['gateway', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU ms/req', 'gw RSS MB (peak)', 'calls/query', 'reps/query', 'calls/req under load', 'reps/req under load',
    'subgraphs CPU ms/req', 'bench CPU ms/req', 'req/s ×stock', 'CPU/req ×stock', 'failed'];
  console.log(`| ${header.join(' | ')} |\n|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const g of gateways) {
    const t = tallies.get(g.key)!;
    const lat = t.latencies.sort((a, b) => a - b);
    const n = Math.max(1, t.answered);
    console.log(`| ${[
      LABEL[g.key], fmt(rpsOf(t), 0), fmt(quantile(lat, 0.5)), fmt(quantile(lat, 0.99)), fmt(cpuOf(t), 2), `${fmt(t.rssMb, 0)} (${fmt(t.peakRssMb, 0)})`,
      spread(g.key, 'requests', 1), spread(g.key, 'representations', 0), fmt(t.calls / n, 2), fmt(t.representations / n, 1),
      fmt(t.subgraphCpuMs / n, 2), fmt(t.benchCpuMs / n, 2), fmt(rpsOf(t) / rpsOf(base), 2), fmt(cpuOf(t) / cpuOf(base), 2), String(t.failed),
    ].join(' | ')} |`);
  }
  console.log(`\nper query, ${SERIAL} sent one at a time: subgraph calls; representations`);
  console.log(`| gateway | ${SUBGRAPH_NAMES.join(' | ')} |\n| --- |${SUBGRAPH_NAMES.map(() => ' ---: ').join('|')}|`);
  for (const g of gateways) {
    console.log(`| ${LABEL[g.key]} | ${SUBGRAPH_NAMES.map((n) => `${spread(g.key, 'requests', 1, n)}; ${spread(g.key, 'representations', 0, n)}`).join(' | ')} |`);
  }
  const notes = gateways.flatMap((g) => {
    const t = tallies.get(g.key)!;
    return t.failed ? [`${LABEL[g.key]}: ${t.failed} failed, e.g. ${t.samples.join(' | ')}`] : [];
  });
  console.log(notes.length ? `\nfailures:\n${notes.map((n) => `  - ${n}`).join('\n')}` : '\nno failed requests; every answer equal to the verified one');
  console.log(`total ${fmt((performance.now() - started) / 1000)} s`);
}

cleanupOnSignals();
try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanupTo(0);
}
