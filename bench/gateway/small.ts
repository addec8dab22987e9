/**
 * The small-queries section of bench/gateway (README.md there): per-request overhead of our
 * gateway against stock @apollo/gateway, on queries that cost the subgraphs little.
 *
 * The users and media subgraphs and the load clients run in this process; each gateway runs as
 * a process of its own (its CPU read from /proc/<pid>/stat), one at a time, on the same port, over
 * the same subgraphs: stock (bench/support/stock-gateway-main.ts), ours with
 * GATEWAY_DEDUPE_REQUESTS=false and ours with it true (the default). Rounds take the three in a
 * different order each time; every query runs BENCH_SECONDS with BENCH_CONNECTIONS clients
 * (slots.ts measures; this file seeds, starts the subgraphs and says what is asked).
 */
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { hashPassword } from '../../subgraphs/users/src/passwords.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { cleanupMark, cleanupTo, onCleanup } from '../support/cleanups.ts';
import { intEnv } from '../support/env.ts';
import { fmt, loadAverage } from '../support/proc-stats.ts';
import { benchDatabase, logInUsers } from './setup.ts';
import { runGatewaySlots, type SlotQuery } from './slots.ts';

const PASSWORD = 'bench gateway password';

type Data = Record<string, unknown>;

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
  console.log(`node ${process.version}, ${availableParallelism()} cores; load average at start: ${loadAverage()}`);
  console.log(`(${CONNECTIONS} load clients, the users and media subgraphs share this Node thread; each gateway is its own process; Postgres and Redis are others)`);

  try {
    // A database and a Redis prefix of this section's own.
    const { databaseUrl, redisUrl, redisPrefix } = await benchDatabase();

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

    // One user's token (bench_0) for all clients, and a token per client (bench_0 … bench_N-1).
    const t1 = performance.now();
    const distinct = Math.min(CONNECTIONS, USERS);
    const tokens = await logInUsers(stack.gatewayUrl, distinct, PASSWORD);
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
    const all: SlotQuery[] = [
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

    await runGatewaySlots({
      stack,
      subgraphs: [['users', stack.usersUrl], ['media', stack.mediaUrl!]],
      queries,
      gateways: ['ours-off', 'ours-on', 'stock'],
      seconds: SECONDS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
    });
    console.log(`\nsmall-queries section: ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    await cleanupTo(mark);
  }
}
