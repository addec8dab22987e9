/**
 * Live fan-out benchmark (prints figures; not a test, asserts nothing). Run: npm run bench:live
 *
 * The users, media (with its worker), posts and social subgraphs run in this process
 * (tests/support/stack.ts), each behind a counting proxy (tests/support/graphql-proxy.ts); ONE
 * gateway runs as a child process on the same routes, so its memory (VmRSS, and V8 heap through
 * its inspector, both read after a forced full collection) is its own. For
 * each size N of BENCH_SUBSCRIBERS, N anonymous graphql-ws clients (all in this process)
 * subscribe to likeAdded of one real post; then BENCH_EVENTS likes, each by another user through
 * the gateway's likePost mutation over HTTP, are timed from sending the mutation until every
 * subscriber has the event, and the gateway's subgraph fetches between the two are counted.
 * The hub shares one upstream subscription and one completion per event among all subscribers
 * of a public stream, so fetches per event should not grow with N.
 *
 * Env: BENCH_SUBSCRIBERS (1,1000,5000,10000), BENCH_MAX (5000: larger sizes are skipped, so
 * BENCH_MAX=10000 adds 10000), BENCH_EVENTS (5), BENCH_BATCH (250 clients connecting at once),
 * BENCH_TIMEOUT_MS (60000: connecting one batch, delivering one event).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../packages/shared/src/migrate.ts';
import { startGraphqlProxy, type GraphqlProxy } from '../../tests/support/graphql-proxy.ts';
import { liveClient, type LiveClient, type LiveSubscription } from '../../tests/support/live-client.ts';
import { createDatabase, dropDatabase, dropStaleDatabases, uniqueName } from '../../tests/support/pg-admin.ts';
import { freePort, spawnEntry, waitForHttp, type ServiceProcess } from '../../tests/support/processes.ts';
import { deleteKeysWithPrefix, redisReachable } from '../../tests/support/redis-admin.ts';
import { startStack } from '../../tests/support/stack.ts';
import WebSocket from 'ws';
import { gatewayClient, mustCreatePost, newUser, readyLoops, type TestUser } from '../../subgraphs/posts/test/support.ts';
import { intEnv } from '../support/env.ts';

const int = intEnv;
const MAX = int('BENCH_MAX', 5000);
const REQUESTED = (process.env.BENCH_SUBSCRIBERS ?? '1,1000,5000,10000').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_SUBSCRIBERS: ${JSON.stringify(s)} is not a positive integer`);
  return n;
});
const EVENTS = int('BENCH_EVENTS', 5);
const BATCH = int('BENCH_BATCH', 250);
const TIMEOUT_MS = int('BENCH_TIMEOUT_MS', 60_000);

process.chdir(fileURLToPath(new URL('../..', import.meta.url)));
process.env.LOG_LEVEL ??= 'silent';
process.env.HOST = '127.0.0.1'; // every server of this run listens on loopback only
process.removeAllListeners('warning');

const LIKE_ADDED = 'subscription ($p: ID!) { likeAdded(postId: $p) { id user { handle } post { likeCount loop { mp4Url } } } }';
// Named, so the gateway names its fetches for it BenchLike__<subgraph>__<n> (the planner does
// that for named operations): they are the mutation's own work, told apart from the event's.
const LIKE_POST = 'mutation BenchLike($p: ID!) { likePost(postId: $p) { likeCount } }';
const MUTATION_FETCH = /\bBenchLike__/;
// The gateway's /ready probes each subgraph with this; it is not event work either.
const READY_PROBE = '{ __typename }';

type LikeAdded = { likeAdded: { id: string; user: { handle: string }; post: { likeCount: number; loop: { mp4Url: string | null } | null } } };
interface Subscriber {
  client: LiveClient;
  sub: LiveSubscription<LikeAdded>;
}
interface Live {
  connections: number;
  streams: number;
  subscribers: number;
  events: number;
}

/** Nearest rank: the smallest sample with at least q of all samples at or below it. */
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]! : NaN);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `promise`, or a rejection naming `what` once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Resident memory of a process, in KB (Linux). */
function rssKb(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]);
}

/** CPU time a process has used so far (user + system), in ms (Linux). */
function cpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks are 1/100 s on Linux
}

/**
 * The gateway's inspector (its --inspect on loopback, a port of its own choosing): full garbage
 * collections and V8 heap figures. Memory is read after a full collection: without one, RSS holds
 * whatever garbage the last round left (measured: ~150 MB more after each connect/disconnect cycle
 * of 5,000 until V8 got round to a major GC, all of it collected by a forced one), so a later N
 * would look cheaper or dearer by chance.
 */
async function openInspector(proc: ServiceProcess) {
  const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(proc.stderr())?.[0];
  if (!url) throw new Error(`the gateway printed no inspector URL:\n${proc.stderr()}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const waiting = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    const w = message.id === undefined ? undefined : waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id!);
    if (message.error) w.reject(new Error(message.error.message));
    else w.resolve(message.result);
  });
  let id = 0;
  const call = <T>(method: string) =>
    new Promise<T>((resolve, reject) => {
      waiting.set(++id, { resolve: resolve as (r: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    /** Collects garbage (twice: the first may leave what finalizers freed), then the heap in use, in KB. */
    async collectedHeapKb(): Promise<number> {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      return (await call<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize / 1024;
    },
    close: () => socket.close(),
  };
}

/** The soft limit on open files, which bounds the sockets this process (and the gateway, which inherits it) may hold. */
function openFilesLimit(): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return line && line[1] !== 'unlimited' ? Number(line[1]) : Infinity;
}

const cleanups: Array<{ what: string; run: () => unknown }> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of [...cleanups].reverse()) {
      try {
        await c.run();
      } catch (err) {
        console.error(`cleanup: ${c.what} failed: ${(err as Error).message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  const fdLimit = openFilesLimit();
  // Each subscriber is one socket here and one in the gateway; leave room for everything else.
  const sizes = REQUESTED.filter((n) => n <= MAX && n + 500 <= fdLimit);
  const skipped = REQUESTED.filter((n) => !sizes.includes(n));
  console.log(`node ${process.version}, ${availableParallelism()} cores, load average ${load()}; open-files limit ${fdLimit}`);
  console.log('(clients and subgraphs share this Node thread; the gateway is its own process; Postgres and Redis are other processes)');
  if (skipped.length) console.log(`skipped sizes ${skipped.join(', ')}: above BENCH_MAX=${MAX} or too close to the open-files limit (ulimit -n)`);
  if (!sizes.length) return;

  await dropStaleDatabases(['fffoto_bench']).catch(() => undefined);
  const dbName = uniqueName('fffoto_bench');
  const databaseUrl = await createDatabase(dbName);
  cleanups.push({ what: `drop database ${dbName}`, run: () => dropDatabase(dbName) });
  await migrate(databaseUrl);
  // likeAdded travels over Redis pub/sub between social's mutation and its subscription, and
  // loops are encoded by the worker over the Redis queue: this bench needs a real Redis.
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await redisReachable(redisUrl))) throw new Error(`no Redis answers at ${redisUrl} (REDIS_URL)`);
  const redisPrefix = `fffoto-bench-${dbName.slice('fffoto_bench_'.length)}:`;
  cleanups.push({ what: `delete Redis keys ${redisPrefix}*`, run: () => deleteKeysWithPrefix(redisUrl, redisPrefix) });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix });
  console.log(`database ${dbName}, Redis prefix ${redisPrefix}`);

  // A counting proxy per subgraph: the gateway's HTTP fetches are its request bodies (its
  // subscriptions to social pass through as WebSocket upgrades, uncounted).
  const proxies: Record<string, GraphqlProxy> = {};
  // DATABASE_URL given explicitly: without TEST_REDIS_AVAILABLE (set only by the test setup)
  // startStack would otherwise make a database of its own.
  const stack = await startStack({
    media: true,
    worker: true,
    posts: true,
    social: true,
    env: { DATABASE_URL: databaseUrl },
    routeVia: async (name, url) => {
      const proxy = await startGraphqlProxy(url);
      proxies[name] = proxy;
      cleanups.push({ what: `stop ${name} proxy`, run: () => proxy.stop() });
      return proxy.url;
    },
  });
  cleanups.push({ what: 'stop stack', run: () => stack.stop() });

  // The gateway under test. Its warnings (a dropped upstream, an undelivered event) are kept in
  // its stdout and printed at the end.
  const port = await freePort();
  const gateway: ServiceProcess = spawnEntry('gateway/src/main.ts', {
    ...stack.gatewayEnv,
    GATEWAY_PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: `${stack.gatewayEnv.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim(),
  });
  cleanups.push({ what: 'stop gateway process', run: () => gateway.kill() });
  await waitForHttp(`http://127.0.0.1:${port}/health`, gateway);
  const inspector = await openInspector(gateway);
  cleanups.push({ what: 'close gateway inspector', run: () => inspector.close() });
  const url = `http://127.0.0.1:${port}/graphql`;
  const pid = gateway.child.pid!;
  const live = async (): Promise<Live> => ((await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as { live: Live }).live;
  const waitForLive = async (what: string, done: (l: Live) => boolean, timeoutMs = TIMEOUT_MS): Promise<Live> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = await live();
      if (done(l)) return l;
      if (Date.now() > deadline) throw new Error(`${what}: gateway reports ${JSON.stringify(l)} after ${timeoutMs} ms`);
      await sleep(100);
    }
  };

  // Users and a real post (an encoded loop), set up through the gateway under test.
  const t0 = performance.now();
  const gql = gatewayClient(url);
  const author = await newUser(gql, 'live_bench_author');
  const likers: TestUser[] = [];
  const needed = 1 + EVENTS * sizes.length; // one for the warm-up, then a fresh user per like
  for (let i = 0; i < needed; i++) likers.push(await newUser(gql, `live_bench_${i}`));
  const [loopId] = await readyLoops(gql, author, 1);
  const postId = (await mustCreatePost(gql, author, loopId!, 'live bench')).id;
  console.log(`set up ${needed} likers, one post with a READY loop, in ${((performance.now() - t0) / 1000).toFixed(1)} s; gateway pid ${pid}`);

  let active: Subscriber[] = [];
  cleanups.push({ what: 'disconnect clients', run: () => Promise.all(active.map((s) => s.client.dispose().catch(() => undefined))) });

  /** Connects `n` clients in batches, each subscribing; returns those in place and why the rest are not. */
  async function connect(n: number): Promise<{ subscribers: Subscriber[]; failures: string[] }> {
    const subscribers: Subscriber[] = [];
    const failures: string[] = [];
    for (let done = 0; done < n; done += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, n - done) }, () => {
        const client = liveClient(url);
        return { client, sub: client.subscribe<LikeAdded>(LIKE_ADDED, { p: postId }) };
      });
      active.push(...batch);
      await Promise.all(batch.map(async (s) => {
        try {
          // settled() first waits, unbounded, for the connection, which a socket closed early
          // (or never answered) does not get: bounded here, and the close reported.
          const closed = s.client.closed.then((e) => Promise.reject(new Error(`closed ${e.code} ${e.reason}`)));
          await within(Promise.race([s.client.settled(TIMEOUT_MS), closed]), TIMEOUT_MS, 'connected and subscribed');
          if (s.sub.done) throw new Error(`subscription ended: ${JSON.stringify(s.sub.error ?? null).slice(0, 200)}`);
          subscribers.push(s);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }));
    }
    return { subscribers, failures };
  }

  async function disconnect(): Promise<void> {
    const leaving = active;
    active = [];
    for (let i = 0; i < leaving.length; i += BATCH) await Promise.all(leaving.slice(i, i + BATCH).map((s) => s.client.dispose().catch(() => undefined)));
    await waitForLive('disconnect', (l) => l.connections === 0 && l.subscribers === 0 && l.streams === 0);
  }

  interface EventFigures {
    latencies: number[];
    missed: number;
    wrong: number;
    fetches: Record<string, number>;
    gatewayCpuMs: number;
    mutationMs: number;
  }

  /** One like, timed until every subscriber has it; the gateway's fetches for the event counted. */
  async function likeOnce(subscribers: Subscriber[], index: number, liker: TestUser): Promise<EventFigures> {
    const marks = Object.fromEntries(Object.entries(proxies).map(([name, p]) => [name, p.bodies.length]));
    const cpu0 = cpuMs(pid);
    const sent = performance.now();
    const latencies: number[] = [];
    let missed = 0;
    let wrong = 0;
    const deliveries = Promise.all(subscribers.map(async ({ sub }) => {
      try {
        const result = await sub.nth(index, TIMEOUT_MS);
        latencies.push(performance.now() - sent);
        const like = result.data?.likeAdded;
        if (result.errors?.length || like?.user.handle !== liker.handle || !like.post.loop?.mp4Url?.startsWith('http')) wrong++;
      } catch {
        missed++;
      }
    }));
    const mutation = gql(LIKE_POST, { p: postId }, liker.token).then((res) => {
      if (res.errors?.length) throw new Error(`likePost failed: ${JSON.stringify(res.errors).slice(0, 300)}`);
      return performance.now() - sent;
    });
    const [mutationMs] = await Promise.all([mutation, deliveries]);
    const gatewayCpuMs = cpuMs(pid) - cpu0;
    const fetches = Object.fromEntries(Object.entries(proxies).map(([name, p]) => [
      name,
      p.bodies.slice(marks[name]).filter((b) => !MUTATION_FETCH.test(b.query) && b.query.trim() !== READY_PROBE).length,
    ]));
    return { latencies, missed, wrong, fetches, gatewayCpuMs, mutationMs };
  }

  // Warm-up, not reported: the first subscription and event plan, compile and open pools.
  {
    const { subscribers, failures } = await connect(1);
    if (failures.length) throw new Error(`warm-up subscriber not in place: ${failures[0]}`);
    const warm = await likeOnce(subscribers, 0, likers[0]!);
    if (warm.missed || warm.wrong) throw new Error('warm-up event not delivered as expected');
    await disconnect();
  }

  interface Row {
    n: number;
    connected: number;
    connectS: number;
    rssBeforeKb: number;
    rssAfterKb: number;
    heapBeforeKb: number;
    heapAfterKb: number;
    p50: number;
    p99: number;
    max: number;
    fetchesPerEvent: number;
  }
  const rows: Row[] = [];
  let next = 1;
  for (const n of sizes) {
    const heapBeforeKb = await inspector.collectedHeapKb();
    const rssBeforeKb = rssKb(pid);
    const c0 = performance.now();
    const { subscribers, failures } = await connect(n);
    // settled() trusts the gateway's barrier, which answers anyway after 10 s; /ready counts for sure.
    const inPlace = await waitForLive(`${subscribers.length} subscribers in place`, (l) => l.subscribers >= subscribers.length).catch((err: Error) => {
      failures.push(err.message);
      return undefined;
    });
    const connectS = (performance.now() - c0) / 1000;
    const rssConnectedKb = rssKb(pid); // garbage of connecting included
    const heapAfterKb = await inspector.collectedHeapKb();
    const rssAfterKb = rssKb(pid);
    console.log(`\nN=${n}: ${subscribers.length} in place in ${fmt(connectS)} s (gateway: ${JSON.stringify(inPlace ?? null)}); load average ${load()}`);
    console.log(`  gateway RSS ${fmt(rssBeforeKb / 1024)} → ${fmt(rssAfterKb / 1024)} MB (${fmt(rssConnectedKb / 1024)} before collecting garbage), ` +
      `V8 heap in use ${fmt(heapBeforeKb / 1024)} → ${fmt(heapAfterKb / 1024)} MB`);
    if (failures.length) console.log(`  ${failures.length} not in place, e.g. ${[...new Set(failures)].slice(0, 3).join(' | ')}`);

    const all: number[] = [];
    const fetchTotals: number[] = [];
    for (let k = 0; k < EVENTS; k++) {
      const e = await likeOnce(subscribers, k, likers[next++]!);
      e.latencies.sort((a, b) => a - b);
      all.push(...e.latencies);
      const total = Object.values(e.fetches).reduce((a, b) => a + b, 0);
      fetchTotals.push(total);
      const bySubgraph = Object.entries(e.fetches).map(([name, c]) => `${name} ${c}`).join(', ');
      console.log(`  like ${k + 1}: delivered to ${e.latencies.length}/${subscribers.length} ` +
        `p50 ${fmt(quantile(e.latencies, 0.5))} p99 ${fmt(quantile(e.latencies, 0.99))} max ${fmt(e.latencies.at(-1) ?? NaN)} ms; ` +
        `mutation answered in ${fmt(e.mutationMs)} ms; fetches ${total} (${bySubgraph}); gateway CPU ${fmt(e.gatewayCpuMs, 0)} ms` +
        `${e.missed ? `; MISSED ${e.missed}` : ''}${e.wrong ? `; WRONG ${e.wrong}` : ''}`);
      await sleep(200); // a quiet gap, so one event's stragglers are not the next one's
    }
    all.sort((a, b) => a - b);
    rows.push({
      n, connected: subscribers.length, connectS, rssBeforeKb, rssAfterKb, heapBeforeKb, heapAfterKb,
      p50: quantile(all, 0.5), p99: quantile(all, 0.99), max: all.at(-1) ?? NaN,
      fetchesPerEvent: fetchTotals.reduce((a, b) => a + b, 0) / fetchTotals.length,
    });
    const d0 = performance.now();
    await disconnect();
    const disconnectS = (performance.now() - d0) / 1000;
    // What the subscribers held should be gone with them: the heap back where it was before they came.
    const heapLeftKb = (await inspector.collectedHeapKb()) - heapBeforeKb;
    console.log(`  disconnected in ${fmt(disconnectS)} s; V8 heap in use afterwards ${heapLeftKb >= 0 ? '+' : ''}${fmt(heapLeftKb / 1024)} MB against before connecting`);
  }

  const base = rows[0]!;
  console.log(`\nRatios are against N=${base.n} of this run. Δ/sub = (gateway figure with N subscribers − before) / N, ` +
    'both read after a full garbage collection; heap = V8 heap in use.');
  const header = ['N', 'in place', 'connect s', 'RSS Δ/sub KB', 'heap Δ/sub KB', 'p50 ms', 'p99 ms', 'max ms', 'fetches/event', 'p99 ratio', 'fetches ratio'];
  const table = rows.map((r) => [
    String(r.n), String(r.connected), fmt(r.connectS), fmt((r.rssAfterKb - r.rssBeforeKb) / r.connected),
    fmt((r.heapAfterKb - r.heapBeforeKb) / r.connected), fmt(r.p50), fmt(r.p99), fmt(r.max),
    fmt(r.fetchesPerEvent), fmt(r.p99 / base.p99, 2), fmt(r.fetchesPerEvent / base.fetchesPerEvent, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  for (const row of [header, ...table]) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));

  const complaints = gateway.logs().filter((l) => l.level >= 40);
  console.log(`\ngateway warnings/errors logged: ${complaints.length}`);
  for (const l of complaints.slice(0, 5)) console.log(`  e.g. ${JSON.stringify(l).slice(0, 300)}`);
}

try {
  await main();
} finally {
  await cleanup();
}
process.exit(0);
