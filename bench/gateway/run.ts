/**
 * Gateway benchmark (prints figures; not a test, asserts nothing). Run: npx tsx bench/gateway/run.ts
 *
 * Three sections, BENCH_SECTIONS ("small,feed,batching", run in that order):
 * - small: per-request overhead of our gateway against stock @apollo/gateway on small queries,
 *   each gateway its own process (small.ts, where its settings are).
 * - feed: bench/feed's home-feed query, stock against ours, each its own process (feed.ts).
 * - batching: below.
 *
 * Batching: our gateway merges a request's `_entities` fetches to one subgraph and sends each distinct
 * representation once (GATEWAY_BATCH_ENTITIES=true, "A"); stock @apollo/gateway behaviour is
 * GATEWAY_BATCH_ENTITIES=false with GATEWAY_DEDUPE_REQUESTS=false ("B"). Both run in this process over the same users and media
 * subgraphs, against a database and Redis prefix of this run's own (removed at the end).
 *
 * - Counted: a twin of each gateway reaches the users subgraph through a recording proxy; its
 *   warm-up requests give `_entities` fetches and representations per request.
 * - Timed: gateways A and B talk to the subgraphs directly (no proxy hop on the clock), in
 *   rounds that alternate A and B (AB, BA, AB, ...) on the same request variables, at each
 *   concurrency. Reported: requests/s, p50/p95 latency, CPU time of this process per request
 *   (gateway + subgraphs + client: steadier than wall time on a busy machine), and B/A ratios.
 *
 * The query is ALIASES × `loop(id) { id status owner { handle displayName } }` (there is no list
 * field yet), sent twice over: as a named operation (what client libraries send) and anonymous.
 *
 * Env (batching): BENCH_REQUESTS (per gateway, per concurrency, per shape; default 100),
 * BENCH_BATCH_ROUNDS (5), BENCH_WARMUP (per gateway per shape, 10), BENCH_ALIASES (50),
 * BENCH_BATCH_USERS (10), BENCH_BATCH_LOOPS (200), BENCH_CONCURRENCY ("1,8"),
 * BENCH_SHAPES ("named,anonymous"). (BENCH_ROUNDS, BENCH_USERS and BENCH_LOOPS are the small
 * section's.)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, type Db } from '@fffoto/shared/db';
import { migrate } from '../../packages/shared/src/migrate.ts';
import { composeFromConfig } from '../../gateway/src/compose.ts';
import { loadGatewayConfig, startGateway } from '../../gateway/src/app.ts';
import { createDatabase, dropDatabase, dropStaleDatabases, uniqueName } from '../../tests/support/pg-admin.ts';
import { startGraphqlProxy, type GraphqlProxy } from '../../tests/support/graphql-proxy.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { deleteKeysWithPrefix } from '../../tests/support/redis-admin.ts';
// Deterministic (mulberry32), so every run asks for the same loops.
import { prng } from '../../subgraphs/media/src/pipeline/grain.ts';
import { cleanupMark, cleanupOnSignals, cleanupTo, onCleanup } from '../support/cleanups.ts';
import { intEnv } from '../support/env.ts';
import { fmt, loadAverage as load, quantile } from '../support/proc-stats.ts';
import { feedSection } from './feed.ts';
import { smallQueriesSection } from './small.ts';

const int = intEnv;
const REQUESTS = int('BENCH_REQUESTS', 100);
const ROUNDS = int('BENCH_BATCH_ROUNDS', 5);
const WARMUP = int('BENCH_WARMUP', 10);
const ALIASES = int('BENCH_ALIASES', 50);
const USERS = int('BENCH_BATCH_USERS', 10);
const LOOPS = int('BENCH_BATCH_LOOPS', 200);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 1);
type ShapeName = 'named' | 'anonymous';
const SHAPES = (process.env.BENCH_SHAPES ?? 'named,anonymous').split(',').filter((s): s is ShapeName => s === 'named' || s === 'anonymous');
type SectionName = 'small' | 'feed' | 'batching';
const KNOWN_SECTIONS: SectionName[] = ['small', 'feed', 'batching'];
const SECTIONS = (process.env.BENCH_SECTIONS ?? KNOWN_SECTIONS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
const unknownSections = SECTIONS.filter((s) => !KNOWN_SECTIONS.includes(s as SectionName));
if (unknownSections.length || !SECTIONS.length) throw new Error(`BENCH_SECTIONS: ${JSON.stringify(process.env.BENCH_SECTIONS)}; known sections: ${KNOWN_SECTIONS.join(', ')}`);

// Paths in stack.ts (supergraph.yaml) are relative to the repository root.
process.chdir(fileURLToPath(new URL('../..', import.meta.url)));
process.env.LOG_LEVEL ??= 'silent';
// Quiet: the AWS SDK (media's S3 client) warns at load that it will need Node 22 one day.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (!`${w.name} ${w.message}`.includes('NodeVersionSupportWarning')) console.error(`warning: ${w.name}: ${w.message}`);
});

// ---------- small helpers ----------

const label = (side: Side) => `${side} (batch=${side === 'A' ? 'true ' : 'false'})`;
/** "3×1, 1×10": how many fetches carried how many representations. */
const sizes = (xs: number[]) => {
  const byCount = new Map<number, number>();
  for (const x of xs) byCount.set(x, (byCount.get(x) ?? 0) + 1);
  return [...byCount].sort((a, b) => a[0] - b[0]).map(([size, n]) => `${n}×${size}`).join(', ');
};


// ---------- the query a client sends ----------

const vars = Array.from({ length: ALIASES }, (_, i) => `$i${i}: ID!`).join(', ');
const fields = Array.from({ length: ALIASES }, (_, i) => `  l${i}: loop(id: $i${i}) { id status owner { handle displayName } }`).join('\n');
const queries: Record<ShapeName, string> = {
  named: `query LoopOwners(${vars}) {\n${fields}\n}`,
  anonymous: `query(${vars}) {\n${fields}\n}`,
};

type Side = 'A' | 'B';
type Vars = Record<string, string>;
type Body = { data?: unknown; errors?: unknown[] };

async function post(url: string, query: string, variables: Vars): Promise<{ ms: number; body: Body }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Body;
  const ms = performance.now() - t0;
  if (!res.ok || body.errors?.length) throw new Error(`request failed (${res.status}): ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return { ms, body };
}

/** Runs the variable sets through one gateway keeping `concurrency` requests in flight. */
async function drive(url: string, query: string, sets: Vars[], concurrency: number): Promise<{ wallMs: number; cpuMs: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, sets.length) }, async () => {
    while (next < sets.length) latencies.push((await post(url, query, sets[next++]!)).ms);
  }));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, latencies };
}

interface Setup {
  counted: Record<Side, string>;
  timed: Record<Side, string>;
  proxies: Record<Side, GraphqlProxy>;
  makeSet: () => Vars;
  distinctOwners: (set: Vars) => number;
}

async function runShape(shape: ShapeName, s: Setup) {
  const query = queries[shape];
  const warmSets = Array.from({ length: WARMUP }, s.makeSet);
  const minReps = warmSets.reduce((sum, set) => sum + s.distinctOwners(set), 0) / WARMUP;
  console.log(`\n=== ${shape} operation: ${ALIASES} × loop(id) { id status owner { handle displayName } }` +
    ` (${shape === 'named' ? '"query LoopOwners(...)"' : '"query(...)"'}, ids as variables)`);

  // Warm-up on all four gateways (query plans, JIT, pools), counting on the two behind proxies.
  const counts = {} as Record<Side, { fetches: number; reps: number; texts: number; perFetch: number[] }>;
  const answers: Record<Side, string[]> = { A: [], B: [] };
  for (const side of ['A', 'B'] as const) {
    const proxy = s.proxies[side];
    let fetches = 0;
    let texts = 0;
    const perFetch: number[] = [];
    for (const set of warmSets) {
      proxy.bodies.length = 0;
      answers[side].push(JSON.stringify((await post(s.counted[side], query, set)).body.data));
      const entities = proxy.bodies.filter((b) => b.query.includes('_entities'));
      fetches += entities.length;
      texts += new Set(entities.map((b) => b.query)).size;
      // `representations`, or `representations_<n>` when several `_entities` fields share one request.
      perFetch.push(...entities.map((b) => Object.entries(b.variables ?? {})
        .reduce((n, [name, v]) => n + (/^representations(_\d+)?$/.test(name) && Array.isArray(v) ? v.length : 0), 0)));
    }
    proxy.bodies.length = 0;
    counts[side] = { fetches: fetches / WARMUP, reps: perFetch.reduce((a, b) => a + b, 0) / WARMUP, texts: texts / WARMUP, perFetch };
    for (const set of warmSets.slice(0, 5)) await post(s.timed[side], query, set);
  }
  const same = answers.A.filter((a, i) => a === answers.B[i]).length;
  console.log(`A and B gave identical answers to ${same}/${WARMUP} warm-up requests; distinct owners per request ` +
    `(the fewest representations that answer it): ${fmt(minReps)}`);
  console.log('to the users subgraph, per request (recording proxy, warm-up requests):');
  console.log('                   _entities fetches  representations  distinct query texts   fetch sizes (count×reps)');
  for (const side of ['A', 'B'] as const) {
    const c = counts[side];
    console.log(`  ${label(side)}  ${fmt(c.fetches).padStart(17)}  ${fmt(c.reps).padStart(15)}  ${fmt(c.texts).padStart(20)}   ${sizes(c.perFetch)}`);
  }
  console.log(`  B/A              ${fmt(counts.B.fetches / counts.A.fetches, 2).padStart(17)}  ${fmt(counts.B.reps / counts.A.reps, 2).padStart(15)}`);

  // Timed rounds, direct to the subgraphs.
  const perRound = Math.max(1, Math.round(REQUESTS / ROUNDS));
  for (const concurrency of CONCURRENCY) {
    const stats: Record<Side, { wall: number; cpu: number; lat: number[] }> = { A: { wall: 0, cpu: 0, lat: [] }, B: { wall: 0, cpu: 0, lat: [] } };
    for (let r = 0; r < ROUNDS; r++) {
      const sets = Array.from({ length: perRound }, s.makeSet);
      for (const side of r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        const { wallMs, cpuMs, latencies } = await drive(s.timed[side], query, sets, concurrency);
        stats[side].wall += wallMs;
        stats[side].cpu += cpuMs;
        stats[side].lat.push(...latencies);
      }
    }
    const row = (side: Side) => {
      const lat = [...stats[side].lat].sort((a, b) => a - b);
      return { rps: (lat.length / stats[side].wall) * 1000, p50: quantile(lat, 0.5), p95: quantile(lat, 0.95), cpu: stats[side].cpu / lat.length, n: lat.length };
    };
    const a = row('A');
    const b = row('B');
    console.log(`concurrency ${concurrency}: ${a.n} requests per gateway, ${ROUNDS} rounds alternating A/B`);
    console.log('                   requests/s   p50 ms   p95 ms   CPU ms/request (this process)');
    for (const [side, x] of [['A', a], ['B', b]] as const) {
      console.log(`  ${label(side)}  ${fmt(x.rps).padStart(10)} ${fmt(x.p50).padStart(8)} ${fmt(x.p95).padStart(8)}   ${fmt(x.cpu).padStart(6)}`);
    }
    console.log(`  B/A              ${fmt(b.rps / a.rps, 2).padStart(10)} ${fmt(b.p50 / a.p50, 2).padStart(8)} ${fmt(b.p95 / a.p95, 2).padStart(8)}   ${fmt(b.cpu / a.cpu, 2).padStart(6)}` +
      '   (requests/s < 1, the others > 1: A is faster)');
  }
}

// ---------- the batching section ----------

async function batchingSection() {
  const started = performance.now();
  console.log('\n##### batching: merged and deduplicated `_entities` fetches (our gateway, in this process)');
  console.log(`node ${process.version}, ${availableParallelism()} cores; load average at start: ${load()} ` +
    '(everything runs on this one Node thread; other work on the machine skews every figure)');

  // A database and a Redis prefix of this run's own, like tests/global-setup.ts.
  await dropStaleDatabases(['fffoto_bench']).catch(() => undefined); // leftovers of killed runs, > 6 h old
  const dbName = uniqueName('fffoto_bench');
  const databaseUrl = await createDatabase(dbName);
  onCleanup(`drop database ${dbName}`, () => dropDatabase(dbName));
  await migrate(databaseUrl);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `fffoto-bench-${dbName.slice('fffoto_bench_'.length)}:`;
  onCleanup(`delete Redis keys ${redisPrefix}*`, () => deleteKeysWithPrefix(redisUrl, redisPrefix));
  // startStack reads these (and puts a random segment after the prefix).
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix });
  console.log(`database ${dbName}, Redis prefix ${redisPrefix}`);

  // Seed: users, then an upload row + a READY loop row per loop. Owners are skewed (user k
  // posts ~1/(k+1) as often as user 0: a few prolific posters and a long tail).
  const db: Db = createDb(databaseUrl);
  onCleanup('disconnect seeding client', () => db.$disconnect());
  const rand = prng(20140101);
  const userIds: string[] = Array.from({ length: USERS }, () => randomUUID());
  await db.user.createMany({
    data: userIds.map((id, k) => ({
      id,
      handle: `bench_user_${k}`,
      email: `bench_user_${k}@example.com`,
      displayName: `Bench User ${k}`,
      passwordHash: 'not-a-real-hash',
    })),
  });
  const weights = userIds.map((_, k) => 1 / (k + 1));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickOwner = () => {
    let r = rand() * totalWeight;
    for (let k = 0; k < weights.length; k++) if ((r -= weights[k]!) <= 0) return userIds[k]!;
    return userIds.at(-1)!;
  };
  const loops = Array.from({ length: LOOPS }, () => ({ id: randomUUID(), uploadId: randomUUID(), ownerId: pickOwner() }));
  const now = new Date();
  await db.upload.createMany({
    data: loops.map((l) => ({ id: l.uploadId, ownerId: l.ownerId, kind: 'FRAMES' as const, partCount: 5, contentType: 'image/jpeg', expiresAt: now })),
  });
  await db.loop.createMany({
    data: loops.map((l) => ({
      id: l.id, ownerId: l.ownerId, uploadId: l.uploadId, status: 'READY' as const, mode: 'BOUNCE' as const, effect: 'NONE' as const,
      fps: 10, effectDay: now, frameCount: 5, width: 720, height: 720, durationMs: 900, readyAt: now,
    })),
  });
  console.log(`seeded ${USERS} users, ${LOOPS} READY loops; loops per owner: ${userIds.map((id) => loops.filter((l) => l.ownerId === id).length).join(' ')}`);

  // Each request asks for ALIASES distinct random loops; the same sets go to A and B.
  const ownerOf = new Map<string, string>(loops.map((l) => [l.id, l.ownerId]));
  const makeSet = (): Vars => {
    const ids = new Set<string>();
    while (ids.size < Math.min(ALIASES, LOOPS)) ids.add(loops[Math.floor(rand() * LOOPS)]!.id);
    const list = [...ids];
    while (list.length < ALIASES) list.push(list[list.length % ids.size]!); // only when BENCH_ALIASES > BENCH_LOOPS
    return Object.fromEntries(list.map((id, i) => [`i${i}`, id]));
  };
  const distinctOwners = (set: Vars) => new Set(Object.values(set).map((id) => ownerOf.get(id))).size;

  // The subgraphs (users, media) and the counted gateway A, whose users route is a recording proxy.
  let proxyA: GraphqlProxy | undefined;
  const stack: Stack = await startStack({
    media: true,
    env: { GATEWAY_BATCH_ENTITIES: 'true' },
    routeVia: async (name, url) => {
      if (name !== 'users') return url;
      proxyA = await startGraphqlProxy(url);
      onCleanup('stop proxy A', () => proxyA!.stop());
      return proxyA.url;
    },
  });
  onCleanup('stop stack', () => stack.stop());
  const proxyB = await startGraphqlProxy(stack.usersUrl);
  onCleanup('stop proxy B', () => proxyB.stop());

  // Three more gateways on the same subgraphs: counted B, and the timed A and B (no proxy).
  const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-bench-sg-'));
  onCleanup('remove supergraph dir', () => rmSync(dir, { recursive: true, force: true }));
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraphFile, composeFromConfig(path.resolve('supergraph.yaml'), new Set(['users', 'media'])).supergraphSdl);
  const gateway = async (name: string, batch: boolean, usersUrl: string): Promise<string> => {
    const handle = await startGateway(loadGatewayConfig({
      ...stack.env,
      GATEWAY_PORT: '0',
      GATEWAY_BATCH_ENTITIES: String(batch),
      // B is stock behaviour: no in-flight request dedupe either (it would collapse B's identical
      // one-representation fetches of an anonymous operation). A keeps it, as deployed.
      GATEWAY_DEDUPE_REQUESTS: String(batch),
      SUPERGRAPH_FILE: supergraphFile,
      SUBGRAPH_URLS: `users=${usersUrl},media=${stack.mediaUrl}`,
    }));
    onCleanup(`stop gateway ${name}`, () => handle.stop());
    return handle.url;
  };
  const setup: Setup = {
    counted: { A: stack.gatewayUrl, B: await gateway('B (counted)', false, proxyB.url) },
    timed: { A: await gateway('A', true, stack.usersUrl), B: await gateway('B', false, stack.usersUrl) },
    proxies: { A: proxyA!, B: proxyB },
    makeSet,
    distinctOwners,
  };

  for (const shape of SHAPES) await runShape(shape, setup);
  console.log(`\nbatching section: ${((performance.now() - started) / 1000).toFixed(1)} s; load average at end: ${load()}`);
}

// ---------- main ----------

const sections: Record<SectionName, () => Promise<void>> = { small: smallQueriesSection, feed: feedSection, batching: batchingSection };
cleanupOnSignals();
try {
  for (const name of SECTIONS as SectionName[]) {
    const mark = cleanupMark();
    try {
      await sections[name]();
    } finally {
      await cleanupTo(mark); // each section's database, Redis keys and servers go before the next starts
    }
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanupTo(0);
}
