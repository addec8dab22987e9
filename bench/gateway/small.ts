/**
 * The small-queries section of bench/gateway (README.md there): per-request overhead of our
 * gateway against stock @apollo/gateway, on queries that cost the subgraphs little.
 *
 * The users and media subgraphs and the load clients run in this process; each gateway runs as
 * a process of its own (its CPU read from /proc/<pid>/stat), one at a time, on the same port, over
 * the same subgraphs: stock (bench/support/stock-gateway-main.ts), ours with
 * GATEWAY_DEDUPE_REQUESTS=false and ours with it true (the default). Rounds take the three in a
 * different order each time; every query runs BENCH_SECONDS with BENCH_CONNECTIONS clients, each
 * one keep-alive connection sending its next request when the last is answered.
 *
 * Subgraph requests are counted where they arrive, at the subgraphs' own HTTP servers in this
 * process (node:diagnostics_channel 'http.server.request.start'): no proxy hop on the clock, and
 * the same count for all three gateways. Ours' own count (GET /ready subgraphRequests) is read
 * around each timed window as a cross-check and for the number it deduplicated.
 */
import dc from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { migrate } from '../../packages/shared/src/migrate.ts';
import { hashPassword } from '../../subgraphs/users/src/passwords.ts';
import { createDatabase, dropDatabase, dropStaleDatabases, uniqueName } from '../../tests/support/pg-admin.ts';
import { freePort, spawnEntry, type ServiceProcess } from '../../tests/support/processes.ts';
import { deleteKeysWithPrefix, redisReachable } from '../../tests/support/redis-admin.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
// Deterministic (mulberry32): every gateway of a round gets the same loop ids in the same order.
import { prng } from '../../subgraphs/media/src/pipeline/grain.ts';
import { cleanupMark, cleanupTo, onCleanup } from '../support/cleanups.ts';
import { intEnv } from '../support/env.ts';
import { STOCK_GATEWAY_MAIN } from '../support/stock-gateway-main.ts';

const PASSWORD = 'bench gateway password';
const SAMPLES = 5; // serial requests per query whose answers are compared between gateways

type GatewayKey = 'stock' | 'ours-off' | 'ours-on';
const GATEWAYS: GatewayKey[] = ['ours-off', 'ours-on', 'stock'];
const LABEL: Record<GatewayKey, string> = { stock: 'stock', 'ours-off': 'ours, dedupe off', 'ours-on': 'ours, dedupe on' };
/** Round r takes the gateways in ORDERS[r % 6]: as given, reversed, then the other four. */
const ORDERS: number[][] = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1], [2, 0, 1], [1, 0, 2]];

type Data = Record<string, unknown>;
interface Query {
  key: string;
  title: string;
  /** The request body; `rand` is the round's generator (the same sequence for every gateway). */
  body: (rand: () => number) => string;
  /** The Authorization header of client `i`, if any. */
  auth: (i: number) => string | undefined;
  /** A correct answer's data (checked on every response). */
  valid: (data: Data) => boolean;
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
  subgraph: Record<'users' | 'media' | 'other', number>;
  /** Ours only: GET /ready subgraphRequests deltas. */
  ready?: { requests: number; deduplicated: number };
  failures: Failures;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) => {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
};
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

/** CPU time a process has used so far (user + system, all its threads), in ms (Linux). */
function cpuMs(pid: number): number {
  // After the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th fields.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks are 1/100 s on Linux
}
const benchCpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

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

export async function smallQueriesSection(): Promise<void> {
  const SECONDS = intEnv('BENCH_SECONDS', 10);
  const ROUNDS = intEnv('BENCH_ROUNDS', 2);
  const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50);
  const USERS = intEnv('BENCH_USERS', 1000);
  const LOOPS = intEnv('BENCH_LOOPS', 20_000);
  const WARMUP_SECONDS = intEnv('BENCH_WARMUP_SECONDS', 2);
  const GRID = intEnv('BENCH_GRID_ALIASES', 40);
  const PREFIX = process.env.BENCH_SEARCH_PREFIX ?? 'bench_1';
  const wanted = (process.env.BENCH_QUERIES ?? 'me-shared,me-own,search,grid').split(',').map((s) => s.trim()).filter(Boolean);
  const started = performance.now();
  const mark = cleanupMark();

  console.log('\n##### small queries: our gateway against stock @apollo/gateway, each gateway its own process');
  console.log(`node ${process.version}, ${availableParallelism()} cores; load average at start: ${load()}`);
  console.log(`(${CONNECTIONS} load clients, the users and media subgraphs share this Node thread; each gateway is its own process; Postgres and Redis are others)`);

  try {
    // A database and a Redis prefix of this section's own.
    await dropStaleDatabases(['fffoto_bench']).catch(() => undefined); // leftovers of killed runs, > 6 h old
    const dbName = uniqueName('fffoto_bench');
    const databaseUrl = await createDatabase(dbName);
    onCleanup(`drop database ${dbName}`, () => dropDatabase(dbName));
    await migrate(databaseUrl);
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (!(await redisReachable(redisUrl))) throw new Error(`no Redis answers at ${redisUrl} (REDIS_URL)`);
    const redisPrefix = `fffoto-bench-${dbName.slice('fffoto_bench_'.length)}:`;
    onCleanup(`delete Redis keys ${redisPrefix}*`, () => deleteKeysWithPrefix(redisUrl, redisPrefix));
    console.log(`database ${dbName}, Redis prefix ${redisPrefix}`);

    // Seed, straight into the tables (as bench/feed/seed.ts): users bench_0 … with one password;
    // an upload and a READY loop per loop, owners skewed: user k owns about 1/(k+1) as many as
    // user 0 (floor((USERS+1)^u) - 1 for uniform u), a few prolific posters and a long tail.
    const t0 = performance.now();
    const seed = new pg.Client({ connectionString: databaseUrl });
    await seed.connect();
    let loopIds: string[];
    try {
      await seed.query('SELECT setseed(0.2014)');
      await seed.query(`CREATE TEMP TABLE bu AS SELECT i, gen_random_uuid() AS id FROM generate_series(0, ${USERS - 1}) i`);
      await seed.query('ALTER TABLE bu ADD PRIMARY KEY (i)');
      await seed.query(`INSERT INTO users (id, handle, email, display_name, password_hash)
        SELECT id, 'bench_' || i, 'bench_' || i || '@example.com', 'Bench ' || i, $1 FROM bu`, [await hashPassword(PASSWORD)]);
      await seed.query(`CREATE TEMP TABLE bl AS SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS upload_id,
        least(${USERS - 1}, floor(power(${USERS + 1}, random()))::int - 1) AS owner, now() - (${LOOPS} - i) * interval '1 second' AS at
        FROM generate_series(0, ${LOOPS - 1}) i`);
      await seed.query(`INSERT INTO uploads (id, owner_id, kind, part_count, content_type, expires_at)
        SELECT bl.upload_id, bu.id, 'FRAMES', 5, 'image/jpeg', now() FROM bl JOIN bu ON bu.i = bl.owner`);
      await seed.query(`INSERT INTO loops (id, owner_id, upload_id, status, mode, effect, fps, effect_day,
          frame_count, width, height, duration_ms, ready_at, created_at)
        SELECT bl.id, bu.id, bl.upload_id, 'READY', 'BOUNCE', 'NONE', 10, bl.at::date, 5, 720, 720, 900, bl.at, bl.at
        FROM bl JOIN bu ON bu.i = bl.owner`);
      await seed.query('VACUUM ANALYZE users, uploads, loops');
      loopIds = (await seed.query<{ id: string }>('SELECT id FROM bl ORDER BY i')).rows.map((r) => r.id);
    } finally {
      await seed.end();
    }
    console.log(`seeded ${USERS} users, ${LOOPS} READY loops in ${fmt((performance.now() - t0) / 1000)} s`);

    // The subgraphs, in this process, on the seeded database (DATABASE_URL given explicitly:
    // startStack would otherwise make a database of its own). Access tokens live a day, so a
    // long run does not outlive the tokens it logged in with.
    const stack: Stack = await startStack({
      media: true,
      env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, ACCESS_TOKEN_TTL_SECONDS: '86400' },
    });
    onCleanup('stop stack', () => stack.stop());

    // Subgraph requests, counted as they arrive at the subgraphs' servers.
    const names = new Map<number, 'users' | 'media'>([
      [Number(new URL(stack.usersUrl).port), 'users'],
      [Number(new URL(stack.mediaUrl!).port), 'media'],
    ]);
    const serverName = new WeakMap<object, 'users' | 'media' | 'other'>();
    const arrived = { users: 0, media: 0, other: 0 };
    const onRequest = (message: unknown) => {
      const { request, server } = message as { request: http.IncomingMessage; server: http.Server };
      let name = serverName.get(server);
      if (!name) {
        name = names.get((server.address() as AddressInfo | null)?.port ?? -1) ?? 'other';
        serverName.set(server, name);
      }
      // JWKS fetches and the like go to other paths of the users server.
      arrived[name !== 'other' && request.url?.startsWith('/graphql') ? name : 'other']++;
    };
    dc.subscribe('http.server.request.start', onRequest);
    onCleanup('stop counting subgraph requests', () => dc.unsubscribe('http.server.request.start', onRequest));

    // One user's token (bench_0) for all clients, and a token per client (bench_0 … bench_N-1).
    const t1 = performance.now();
    const logIn = async (k: number): Promise<string> => {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }', variables: { i: { login: `bench_${k}`, password: PASSWORD } } }),
      });
      const body = (await res.json()) as { data?: { logIn: { accessToken: string } }; errors?: unknown };
      if (!body.data) throw new Error(`bench_${k} could not log in: ${JSON.stringify(body.errors).slice(0, 300)}`);
      return body.data.logIn.accessToken;
    };
    const distinct = Math.min(CONNECTIONS, USERS);
    const tokens: string[] = [];
    for (let i = 0; i < distinct; i += 8) {
      tokens.push(...(await Promise.all(Array.from({ length: Math.min(8, distinct - i) }, (_, k) => logIn(i + k)))));
    }
    console.log(`${distinct} users logged in (${fmt((performance.now() - t1) / 1000)} s)` +
      (distinct < CONNECTIONS ? `; BENCH_CONNECTIONS > BENCH_USERS: clients share ${distinct} tokens round-robin` : ''));

    // ---------- the queries ----------
    const ME = JSON.stringify({ query: '{ me { id handle displayName } effects { effect name } }' });
    const validMe = (d: Data) => typeof (d.me as { id?: unknown } | null)?.id === 'string' && Array.isArray(d.effects) && d.effects.length > 0;
    const SEARCH = JSON.stringify({ query: `{ searchUsers(query: ${JSON.stringify(PREFIX)}, first: 20) { id handle displayName } }` });
    const gridVars = Array.from({ length: GRID }, (_, i) => `$i${i}: ID!`).join(', ');
    const gridFields = Array.from({ length: GRID }, (_, i) => `l${i}: loop(id: $i${i}) { id status owner { handle displayName } }`).join(' ');
    const GRID_QUERY = `query LoopGrid(${gridVars}) { ${gridFields} }`;
    const gridBody = (rand: () => number) => {
      const variables: Record<string, string> = {};
      for (let i = 0; i < GRID; i++) variables[`i${i}`] = loopIds[Math.floor(rand() * loopIds.length)]!;
      return JSON.stringify({ query: GRID_QUERY, variables });
    };
    const all: Query[] = [
      {
        key: 'me-shared',
        title: '{ me { id handle displayName } effects { effect name } }, every client with one user\'s token',
        body: () => ME,
        auth: () => `Bearer ${tokens[0]}`,
        valid: validMe,
      },
      {
        key: 'me-own',
        title: 'the same, each client with a token of its own user',
        body: () => ME,
        auth: (i) => `Bearer ${tokens[i % tokens.length]}`,
        valid: validMe,
      },
      {
        key: 'search',
        title: `{ searchUsers(query: ${JSON.stringify(PREFIX)}, first: 20) { id handle displayName } }, no token`,
        body: () => SEARCH,
        auth: () => undefined,
        valid: (d) => Array.isArray(d.searchUsers) && d.searchUsers.length > 0,
      },
      {
        key: 'grid',
        title: `query LoopGrid(...) { ${GRID} × lN: loop(id: $iN) { id status owner { handle displayName } } }, random ids, no token`,
        body: gridBody,
        auth: () => undefined,
        valid: (d) => Object.values(d).every((l) => typeof (l as { owner?: { handle?: unknown } } | null)?.owner?.handle === 'string'),
      },
    ];
    const unknown = wanted.filter((k) => !all.some((q) => q.key === k));
    if (unknown.length) throw new Error(`BENCH_QUERIES: unknown ${unknown.join(', ')} (known: ${all.map((q) => q.key).join(', ')})`);
    const queries = all.filter((q) => wanted.includes(q.key));

    /** Keeps CONNECTIONS clients busy with `q` for `seconds`. */
    async function drive(port: number, q: Query, seconds: number, rand: () => number): Promise<Window> {
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
      ...stack.gatewayEnv, // SUPERGRAPH_FILE (users + media), SUBGRAPH_URLS (direct), JWKS_URL, Redis
      GATEWAY_PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...(key === 'stock' ? {} : { GATEWAY_DEDUPE_REQUESTS: String(key === 'ours-on') }),
    });
    async function startGatewayProcess(key: GatewayKey): Promise<ServiceProcess> {
      const proc = spawnEntry(key === 'stock' ? STOCK_GATEWAY_MAIN : 'gateway/src/main.ts', envOf(key));
      onCleanup(`stop gateway process (${LABEL[key]})`, () => proc.kill());
      // Ready when `{ __typename }` gets an answer (stock has no /health).
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (proc.exit()) throw new Error(`${LABEL[key]} exited (${JSON.stringify(proc.exit())}) before answering:\n${proc.stdout()}\n${proc.stderr()}`);
        try {
          const res = await fetch(`${gatewayUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"query":"{ __typename }"}',
            signal: AbortSignal.timeout(2_000),
          });
          if (res.status === 200) return proc;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`${LABEL[key]} did not answer within 60 s:\n${proc.stdout()}\n${proc.stderr()}`);
        await sleep(100);
      }
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
              const body = JSON.parse(text) as { data?: unknown; errors?: Array<{ message?: string; extensions?: { code?: string } }> };
              shown = JSON.stringify({ data: body.data, errors: body.errors?.map((e) => `${e.extensions?.code ?? ''} ${e.message ?? ''}`) });
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
    const tallyOf = (q: Query, key: GatewayKey): Tally => {
      const id = `${q.key}/${key}`;
      let t = tallies.get(id);
      if (!t) {
        t = { answered: 0, ok: 0, elapsedMs: 0, latencies: [], gatewayCpuMs: 0, benchCpuMs: 0, subgraph: { users: 0, media: 0, other: 0 }, failures: newFailures() };
        tallies.set(id, t);
      }
      return t;
    };
    const warmupFailures = new Map<GatewayKey, Failures>(GATEWAYS.map((g) => [g, newFailures()]));
    const sampled = new Set<GatewayKey>();

    const perSlot = queries.length * (SECONDS + WARMUP_SECONDS) + 3;
    console.log(`${ROUNDS} round(s) × 3 gateways × ${queries.length} queries × (${WARMUP_SECONDS} s warm-up + ${SECONDS} s timed), ` +
      `${CONNECTIONS} clients: about ${Math.ceil((ROUNDS * 3 * perSlot) / 60)} min; gateway port ${port}`);
    for (let r = 0; r < ROUNDS; r++) {
      const order = ORDERS[r % ORDERS.length]!.map((i) => GATEWAYS[i]!);
      console.log(`round ${r + 1}/${ROUNDS}: ${order.map((g) => LABEL[g]).join(' → ')}`);
      for (const key of order) {
        const slotMark = cleanupMark();
        try {
          const proc = await startGatewayProcess(key);
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
            const cpu0 = cpuMs(pid);
            const bench0 = benchCpuMs();
            const w = await drive(port, q, SECONDS, prng(1000 * (r + 1) + qi));
            const gatewayCpu = cpuMs(pid) - cpu0;
            const benchCpu = benchCpuMs() - bench0;
            const arrivedNow = { ...arrived };
            const ready1 = key === 'stock' ? undefined : await readyCounts();
            const t = tallyOf(q, key);
            t.answered += w.answered;
            t.ok += w.ok;
            t.elapsedMs += w.elapsedMs;
            for (const ms of w.latencies) t.latencies.push(ms);
            t.gatewayCpuMs += gatewayCpu;
            t.benchCpuMs += benchCpu;
            for (const k of ['users', 'media', 'other'] as const) t.subgraph[k] += arrivedNow[k] - arrived0[k];
            if (ready0 && ready1) {
              t.ready ??= { requests: 0, deduplicated: 0 };
              t.ready.requests += ready1.requests - ready0.requests;
              t.ready.deduplicated += ready1.deduplicated - ready0.deduplicated;
            }
            mergeFailures(t.failures, w.failures);
            const bad = failed(w.failures);
            line.push(`${q.key} ${fmt((w.ok / w.elapsedMs) * 1000, 0)}/s ${fmt(gatewayCpu / Math.max(1, w.answered), 2)} ms${bad ? ` (${bad} failed)` : ''}`);
          }
          console.log(`  ${LABEL[key].padEnd(16)} ${line.join(' | ')}; load ${load()}`);
          if (proc.exit()) console.log(`  ${LABEL[key]} exited during its slot: ${JSON.stringify(proc.exit())}\n${proc.stderr().slice(-2000)}`);
          const stderr = proc.stderr().trim();
          if (stderr) console.log(`  ${LABEL[key]} stderr: ${stderr.slice(-1000)}`);
        } finally {
          await cleanupTo(slotMark); // the process goes before the next one takes the port
        }
      }
    }

    // ---------- the table ----------
    console.log(`\n${ROUNDS} round(s) of ${SECONDS} s per query per gateway, ${CONNECTIONS} clients; load average now ${load()}`);
    for (const [i, q] of queries.entries()) console.log(`  Q${i + 1} ${q.key.padEnd(9)} ${q.title}`);
    console.log('  req/s: answered without errors per second; p50/p99: their latency at the client; gw CPU: the gateway process\'s');
    console.log('  user+system CPU per answered request; bench CPU: this process\'s (clients + subgraphs); sub req: requests that reached');
    console.log('  the subgraphs per answered request (users+media), counted at their servers; dedup: ours\' own count of subgraph');
    console.log('  requests answered by an identical one in flight (GET /ready), per request; ×stock: ours ÷ stock.');
    const header = ['query', 'gateway', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU ms', 'bench CPU ms', 'sub req', '(users+media)', 'dedup', 'req/s ×stock', 'CPU ×stock', 'failed'];
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
          `Q${i + 1} ${q.key}`, LABEL[key], fmt(rps, 0), fmt(quantile(lat, 0.5)), fmt(quantile(lat, 0.99)), fmt(cpu, 3), fmt(t.benchCpuMs / t.answered, 3),
          fmt(per(t.subgraph.users + t.subgraph.media), 2), `(${fmt(per(t.subgraph.users), 2)}+${fmt(per(t.subgraph.media), 2)})`,
          t.ready ? fmt(per(t.ready.deduplicated), 2) : '-',
          key === 'stock' ? '1.00' : fmt(rps / stockRps, 2), key === 'stock' ? '1.00' : fmt(cpu / stockCpu, 2), String(bad),
        ]);
        if (bad) notes.push(`Q${i + 1} ${q.key}, ${LABEL[key]}: ${bad} of ${t.answered + t.failures.network} failed: ${describeFailures(t.failures)}; e.g. ${t.failures.samples.join(' | ')}`);
        if (t.subgraph.other) notes.push(`Q${i + 1} ${q.key}, ${LABEL[key]}: ${t.subgraph.other} requests to other paths/servers in this process (JWKS?) during the timed windows`);
        if (t.ready) {
          const sent = t.ready.requests - t.ready.deduplicated;
          const counted = t.subgraph.users + t.subgraph.media;
          if (Math.abs(sent - counted) > Math.max(2, counted * 0.01)) {
            notes.push(`Q${i + 1} ${q.key}, ${LABEL[key]}: the gateway says it sent ${sent} subgraph requests (${t.ready.requests} − ${t.ready.deduplicated} deduplicated), the subgraphs counted ${counted}`);
          }
        }
      }
    }
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
    const left = new Set([0, 1, 8]);
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
      const parts = (['ours-off', 'ours-on'] as const).map((key) => {
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
    console.log(`\nsmall-queries section: ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    await cleanupTo(mark);
  }
}
