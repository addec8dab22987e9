/**
 * Load test (prints figures; not a test, asserts nothing). Run: npm run bench:load
 *
 * BENCH_CLIENTS clients (200) each send one request after another for BENCH_SECONDS (30) to a
 * gateway with the users and media subgraphs, all in this process on 127.0.0.1 (loopback only),
 * against a database and Redis prefix of this run's own (removed at the end). Requests cycle
 * through three shapes: a loop with its owner (media, then an entity fetch to users), the
 * effects catalogue (media) and a user by handle (users).
 *
 * Printed: requests, requests/s, p50/p99 latency, and failures by kind — transport errors
 * (client↔gateway: the fetch itself failed or timed out; gateway↔subgraph: "socket hang up",
 * ECONNRESET… inside a GraphQL error), timeouts (no answer within BENCH_TIMEOUT_MS: an
 * overloaded machine, not a dropped connection), other HTTP statuses, other GraphQL errors. Transport
 * errors should be 0 (issue 6, finding 8: keep-alive settings that cannot race).
 *
 * Env: BENCH_CLIENTS (200), BENCH_SECONDS (30), BENCH_TIMEOUT_MS (per request, 30000),
 * BENCH_LOOPS (200), BENCH_USERS (20).
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDb } from '@fffoto/shared/db';
import { migrate } from '../../packages/shared/src/migrate.ts';
import { createDatabase, dropDatabase, dropStaleDatabases, uniqueName } from '../../tests/support/pg-admin.ts';
import { deleteKeysWithPrefix } from '../../tests/support/redis-admin.ts';
import { startStack } from '../../tests/support/stack.ts';
import { intEnv } from '../support/env.ts';

const int = intEnv;
const CLIENTS = int('BENCH_CLIENTS', 200);
const SECONDS = int('BENCH_SECONDS', 30);
const TIMEOUT_MS = int('BENCH_TIMEOUT_MS', 30_000);
const LOOPS = int('BENCH_LOOPS', 200);
const USERS = int('BENCH_USERS', 20);

process.chdir(fileURLToPath(new URL('../..', import.meta.url)));
process.env.LOG_LEVEL ??= 'silent';
process.env.HOST = '127.0.0.1'; // every server of this run listens on loopback only
process.removeAllListeners('warning');

const TRANSPORT = /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|fetch failed|other side closed/i;
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);

const cleanups: Array<() => unknown> = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch((err) => console.error(`cleanup: ${(err as Error).message}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

async function main() {
  console.log(`node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await dropStaleDatabases(['fffoto_bench']).catch(() => undefined);
  const dbName = uniqueName('fffoto_bench');
  const databaseUrl = await createDatabase(dbName);
  cleanups.push(() => dropDatabase(dbName));
  await migrate(databaseUrl);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `fffoto-bench-${dbName.slice('fffoto_bench_'.length)}:`;
  cleanups.push(() => deleteKeysWithPrefix(redisUrl, redisPrefix));
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix });

  // Seed rows directly: users, and an upload + READY loop per loop.
  const db = createDb(databaseUrl);
  cleanups.push(() => db.$disconnect());
  const users = Array.from({ length: USERS }, (_, k) => ({ id: randomUUID(), handle: `load_user_${k}` }));
  await db.user.createMany({
    data: users.map((u) => ({ ...u, email: `${u.handle}@example.com`, displayName: u.handle, passwordHash: 'not-a-real-hash' })),
  });
  const now = new Date();
  const loops = Array.from({ length: LOOPS }, (_, i) => ({ id: randomUUID(), uploadId: randomUUID(), ownerId: users[i % USERS]!.id }));
  await db.upload.createMany({
    data: loops.map((l) => ({ id: l.uploadId, ownerId: l.ownerId, kind: 'FRAMES' as const, partCount: 5, contentType: 'image/jpeg', expiresAt: now })),
  });
  await db.loop.createMany({
    data: loops.map((l) => ({
      id: l.id, ownerId: l.ownerId, uploadId: l.uploadId, status: 'READY' as const, mode: 'BOUNCE' as const, effect: 'NONE' as const,
      fps: 10, effectDay: now, frameCount: 5, width: 720, height: 720, durationMs: 900, readyAt: now,
    })),
  });

  const stack = await startStack({ media: true });
  cleanups.push(() => stack.stop());
  const url = stack.gatewayUrl;
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${url}: loopback only`);
  const shapes = [
    (i: number) => ({ query: 'query Loop($id: ID!) { loop(id: $id) { id status mp4Url owner { handle displayName } } }', variables: { id: loops[i % LOOPS]!.id } }),
    () => ({ query: 'query Effects { effects { effect name } }', variables: {} }),
    (i: number) => ({ query: 'query User($h: String!) { user(handle: $h) { id handle } }', variables: { h: users[i % USERS]!.handle } }),
  ];

  const latencies: number[] = [];
  const failures = { clientTransport: 0, subgraphTransport: 0, timeouts: 0, http: 0, graphql: 0 };
  const samples: string[] = [];
  const note = (s: string) => void (samples.length < 5 && samples.push(s.slice(0, 200)));
  let sent = 0;
  const deadline = performance.now() + SECONDS * 1000;
  console.log(`${CLIENTS} clients for ${SECONDS} s against ${url}`);
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    for (let i = client; performance.now() < deadline; i += CLIENTS) {
      const body = JSON.stringify(shapes[i % shapes.length]!(i));
      sent++;
      const t0 = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
        const text = await res.text();
        latencies.push(performance.now() - t0);
        if (TRANSPORT.test(text)) {
          failures.subgraphTransport++;
          note(text);
        } else if (res.status !== 200) {
          failures.http++;
          note(`${res.status} ${text}`);
        } else if (text.includes('"errors"')) {
          failures.graphql++;
          note(text);
        }
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') failures.timeouts++;
        else failures.clientTransport++;
        note(String((err as Error).cause ?? err));
      }
    }
  }));
  const elapsed = (performance.now() - (deadline - SECONDS * 1000)) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`requests            ${sent} (${(sent / elapsed).toFixed(0)}/s over ${elapsed.toFixed(1)} s)`);
  console.log(`latency p50 / p99   ${quantile(latencies, 0.5).toFixed(1)} ms / ${quantile(latencies, 0.99).toFixed(1)} ms`);
  console.log(`transport errors    ${failures.clientTransport + failures.subgraphTransport} (client↔gateway ${failures.clientTransport}, gateway↔subgraph ${failures.subgraphTransport})`);
  console.log(`timeouts            ${failures.timeouts} (no answer within ${TIMEOUT_MS} ms)`);
  console.log(`other failures      HTTP ${failures.http}, GraphQL errors ${failures.graphql}`);
  for (const s of samples) console.log(`  e.g. ${s}`);
}

try {
  await main();
} finally {
  await cleanup();
}
process.exit(0);
