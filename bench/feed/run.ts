/**
 * Home-feed benchmark (prints figures; not a test, asserts nothing). Run: npm run bench:feed
 *
 * Seeds a throwaway database (bench/feed/seed.ts: users, READY loops, posts, tags, follows, the
 * fanned-out feed_entries, likes, comments, straight into each subgraph's tables), starts users,
 * media, posts and social with our gateway (tests/support/stack.ts) plus a stock ApolloGateway
 * (bench/support/stock-gateway.ts) over the same subgraphs, all in this process, then sends the home-feed
 * query as different viewers with BENCH_CONCURRENCY requests in flight, in rounds alternating
 * ours (A) and stock (S) on the same viewers. SQL statements per request per subgraph are counted
 * on serial warm-up requests through each gateway.
 *
 * Env: BENCH_USERS (1000), BENCH_POSTS (20000), BENCH_FOLLOWS (100 per user), BENCH_LIKES (5 per
 * post, mean), BENCH_COMMENTS (3 per post, mean), BENCH_TAGS (200), BENCH_VIEWERS (100 logged-in
 * viewers), BENCH_REQUESTS (600 per gateway), BENCH_ROUNDS (6), BENCH_CONCURRENCY (50),
 * BENCH_WARMUP (10 per gateway).
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../packages/shared/src/migrate.ts';
import { composeFromConfig } from '../../gateway/src/compose.ts';
import { hashPassword } from '../../subgraphs/users/src/passwords.ts';
import { createDatabase, dropDatabase, dropStaleDatabases, uniqueName } from '../../tests/support/pg-admin.ts';
import { deleteKeysWithPrefix } from '../../tests/support/redis-admin.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { seedFeed } from './seed.ts';
import { startStockGateway } from '../support/stock-gateway.ts';
import { intEnv } from '../support/env.ts';

const int = intEnv;
const SIZES = {
  users: int('BENCH_USERS', 1000),
  posts: int('BENCH_POSTS', 20_000),
  follows: int('BENCH_FOLLOWS', 100),
  likes: int('BENCH_LIKES', 5),
  comments: int('BENCH_COMMENTS', 3),
  tags: int('BENCH_TAGS', 200),
};
const VIEWERS = Math.min(int('BENCH_VIEWERS', 100), SIZES.users);
const REQUESTS = int('BENCH_REQUESTS', 600);
const ROUNDS = int('BENCH_ROUNDS', 6);
const CONCURRENCY = int('BENCH_CONCURRENCY', 50);
const WARMUP = int('BENCH_WARMUP', 10);
const PASSWORD = 'bench feed password';

process.chdir(fileURLToPath(new URL('../..', import.meta.url)));
process.env.LOG_LEVEL ??= 'silent';
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (!`${w.name} ${w.message}`.includes('NodeVersionSupportWarning')) console.error(`warning: ${w.name}: ${w.message}`);
});

const FEED_QUERY = `query HomeFeed { feed(first: 20) { edges { cursor node {
  id caption createdAt
  author { handle displayName }
  loop { mp4Url webpUrl posterUrl }
  tags { name }
  likeCount viewerHasLiked commentCount
  comments(first: 3) { edges { node { text author { handle } } } }
} } pageInfo { hasNextPage endCursor } } }`;

const quantile = (sorted: number[], q: number) => {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
};
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

type Body = { data?: { feed?: { edges: unknown[] } }; errors?: unknown[] };

async function post(url: string, query: string, token: string): Promise<{ ms: number; body: Body }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as Body;
  const ms = performance.now() - t0;
  if (!res.ok || body.errors?.length) throw new Error(`request failed (${res.status}): ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return { ms, body };
}

/** Sends one request per token, keeping `concurrency` in flight. */
async function drive(url: string, tokens: string[], concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, async () => {
    while (next < tokens.length) latencies.push((await post(url, FEED_QUERY, tokens[next++]!)).ms);
  }));
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, latencies };
}

const started = performance.now();
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
  console.log(`node ${process.version}, ${availableParallelism()} cores; load average at start: ${load()} ` +
    '(client, both gateways and the four subgraphs share this one Node thread; Postgres and Redis are other processes)');
  await dropStaleDatabases(['fffoto_bench']).catch(() => undefined);
  const dbName = uniqueName('fffoto_bench');
  const databaseUrl = await createDatabase(dbName);
  cleanups.push({ what: `drop database ${dbName}`, run: () => dropDatabase(dbName) });
  await migrate(databaseUrl);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `fffoto-bench-${dbName.slice('fffoto_bench_'.length)}:`;
  cleanups.push({ what: `delete Redis keys ${redisPrefix}*`, run: () => deleteKeysWithPrefix(redisUrl, redisPrefix) });
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix });
  console.log(`database ${dbName}, Redis prefix ${redisPrefix}`);

  const t0 = performance.now();
  console.log(`seeding ${JSON.stringify(SIZES)}:`);
  await seedFeed(databaseUrl, SIZES, await hashPassword(PASSWORD), console.log);
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const stack: Stack = await startStack({ media: true, posts: true, social: true });
  cleanups.push({ what: 'stop stack', run: () => stack.stop() });
  const names = new Set(['users', 'media', 'posts', 'social']);
  const stock = await startStockGateway(composeFromConfig('supergraph.yaml', names).supergraphSdl, {
    users: stack.usersUrl, media: stack.mediaUrl!, posts: stack.postsUrl!, social: stack.socialUrl!,
  });
  cleanups.push({ what: 'stop stock gateway', run: () => stock.stop() });
  const gateways = { A: stack.gatewayUrl, S: stock.url };

  // Viewers bench_0 … bench_<VIEWERS-1> log in through our gateway, a few at a time.
  const tokens: string[] = [];
  const t1 = performance.now();
  for (let i = 0; i < VIEWERS; i += 8) {
    tokens.push(...await Promise.all(Array.from({ length: Math.min(8, VIEWERS - i) }, async (_, k) => {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }', variables: { i: { login: `bench_${i + k}`, password: PASSWORD } } }),
      });
      return ((await res.json()) as { data: { logIn: { accessToken: string } } }).data.logIn.accessToken;
    })));
  }
  console.log(`${VIEWERS} viewers logged in (${((performance.now() - t1) / 1000).toFixed(1)} s)`);

  // Warm-up, serial: statements per request per subgraph, and the two gateways' answers compared.
  const logs = { users: stack.statements, media: stack.mediaStatements, posts: stack.postsStatements, social: stack.socialStatements };
  const notBackground = (sql: string) => !/_events"?|^\s*(BEGIN|COMMIT|ROLLBACK)\s*$/i.test(sql);
  const stripUrls = (b: Body) => JSON.stringify(b.data).replace(/"https?:[^"]*"/g, '"url"');
  const answers: Record<'A' | 'S', string[]> = { A: [], S: [] };
  for (const side of ['A', 'S'] as const) {
    const counts: Record<string, number[]> = { users: [], media: [], posts: [], social: [] };
    for (let w = 0; w < WARMUP; w++) {
      for (const l of Object.values(logs)) l.length = 0;
      const { body } = await post(gateways[side], FEED_QUERY, tokens[w % VIEWERS]!);
      if (body.data?.feed?.edges.length !== 20) throw new Error(`viewer ${w % VIEWERS}: ${body.data?.feed?.edges.length} posts, not 20`);
      answers[side].push(stripUrls(body));
      for (const [k, l] of Object.entries(logs)) counts[k]!.push(l.filter(notBackground).length);
    }
    console.log(`SQL statements per request, ${side === 'A' ? 'ours ' : 'stock'}: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${[...new Set(v)].join('/')}`).join(', ')}`);
  }
  const same = answers.A.filter((x, i) => x === answers.S[i]).length;
  console.log(`ours and stock gave identical answers (URLs aside: signed per request) to ${same}/${WARMUP} warm-up requests`);

  // Timed rounds, alternating A,S / S,A on the same viewers.
  const perRound = Math.max(1, Math.round(REQUESTS / ROUNDS));
  const stats = { A: { wall: 0, cpu: 0, lat: [] as number[] }, S: { wall: 0, cpu: 0, lat: [] as number[] } };
  for (let r = 0; r < ROUNDS; r++) {
    const round = Array.from({ length: perRound }, (_, i) => tokens[(r * perRound + i) % VIEWERS]!);
    for (const side of r % 2 === 0 ? (['A', 'S'] as const) : (['S', 'A'] as const)) {
      const { wallMs, cpuMs, latencies } = await drive(gateways[side], round, CONCURRENCY);
      stats[side].wall += wallMs;
      stats[side].cpu += cpuMs;
      stats[side].lat.push(...latencies);
    }
  }
  const row = (side: 'A' | 'S') => {
    const lat = [...stats[side].lat].sort((a, b) => a - b);
    return { rps: (lat.length / stats[side].wall) * 1000, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), cpu: stats[side].cpu / lat.length, n: lat.length };
  };
  const a = row('A');
  const s = row('S');
  console.log(`\nconcurrency ${CONCURRENCY}, ${a.n} requests per gateway, ${ROUNDS} rounds alternating; load average now: ${load()}`);
  console.log('                     requests/s   p50 ms   p99 ms   CPU ms/request (this process)');
  console.log(`  ours (A)           ${fmt(a.rps).padStart(10)} ${fmt(a.p50).padStart(8)} ${fmt(a.p99).padStart(8)}   ${fmt(a.cpu).padStart(6)}`);
  console.log(`  stock (S)          ${fmt(s.rps).padStart(10)} ${fmt(s.p50).padStart(8)} ${fmt(s.p99).padStart(8)}   ${fmt(s.cpu).padStart(6)}`);
  console.log(`  S/A                ${fmt(s.rps / a.rps, 2).padStart(10)} ${fmt(s.p50 / a.p50, 2).padStart(8)} ${fmt(s.p99 / a.p99, 2).padStart(8)}   ${fmt(s.cpu / a.cpu, 2).padStart(6)}`);
  console.log(`\ntotal bench time ${((performance.now() - started) / 1000).toFixed(1)} s; load average at end: ${load()}`);
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
