/**
 * The home-feed section of bench/gateway (README.md there): bench/feed's home-feed query (the
 * first screen of the app, a signed-in viewer) through stock @apollo/gateway and ours, each its
 * own process, measured and tabled like the small-queries section (slots.ts), on a smaller
 * seed than bench/feed's so that the section takes a couple of minutes.
 *
 * Env (this section's): BENCH_FEED_USERS (300), BENCH_FEED_POSTS (3000), BENCH_FEED_FOLLOWS (30
 * per user); BENCH_FEED_SUBGRAPHS (`replayed,live`: the subgraphs' answers recorded and replayed,
 * so the gateways dominate, then executed live); BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS,
 * BENCH_WARMUP_SECONDS as the small section. Each client is a viewer of its own (bench_0 …), so nothing is identical in flight:
 * ours runs with its defaults (dedupe on).
 */
import { availableParallelism } from 'node:os';
import { hashPassword } from '../../subgraphs/users/src/passwords.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { cleanupMark, cleanupTo, onCleanup } from '../support/cleanups.ts';
import { intEnv } from '../support/env.ts';
import { fmt, loadAverage } from '../support/proc-stats.ts';
import { FEED_QUERY } from '../support/feed-query.ts';
import { seedFeed } from '../feed/seed.ts';
import { benchDatabase, logInUsers } from './setup.ts';
import { replaySubgraphs, type ReplaySubgraphs } from '../support/replay-subgraphs.ts';
import { runGatewaySlots } from './slots.ts';

const PASSWORD = 'bench gateway feed password';
/** BENCH_FEED_SUBGRAPHS: `replayed` (the gateways' own cost), `live` (end to end), or both, in that order. */
const MODES = (process.env.BENCH_FEED_SUBGRAPHS ?? 'replayed,live').split(',').map((m) => m.trim()).filter(Boolean);
for (const mode of MODES) if (mode !== 'replayed' && mode !== 'live') throw new Error(`BENCH_FEED_SUBGRAPHS: ${mode} is neither replayed nor live`);

export async function feedSection(): Promise<void> {
  const SECONDS = intEnv('BENCH_SECONDS', 10);
  const ROUNDS = intEnv('BENCH_ROUNDS', 2);
  const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50);
  const WARMUP_SECONDS = intEnv('BENCH_WARMUP_SECONDS', 2);
  const sizes = {
    users: intEnv('BENCH_FEED_USERS', 300),
    posts: intEnv('BENCH_FEED_POSTS', 3000),
    follows: intEnv('BENCH_FEED_FOLLOWS', 30),
    likes: 5,
    comments: 3,
    tags: 50,
  };
  const started = performance.now();
  const mark = cleanupMark();

  console.log('\n##### home feed: bench/feed\'s query through our gateway and stock @apollo/gateway, each gateway its own process');
  console.log(`node ${process.version}, ${availableParallelism()} cores; load average at start: ${loadAverage()}`);
  console.log(`(${CONNECTIONS} load clients, each a viewer of its own; the users, media, posts and social subgraphs share this Node thread)`);
  try {
    const { databaseUrl, redisUrl, redisPrefix } = await benchDatabase();
    const t0 = performance.now();
    await seedFeed(databaseUrl, sizes, await hashPassword(PASSWORD), () => undefined);
    console.log(`seeded ${JSON.stringify(sizes)} in ${fmt((performance.now() - t0) / 1000)} s`);

    const stack: Stack = await startStack({
      media: true,
      posts: true,
      social: true,
      env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, ACCESS_TOKEN_TTL_SECONDS: '86400' },
    });
    onCleanup('stop stack', () => stack.stop());
    const viewers = Math.min(CONNECTIONS, sizes.users);
    const tokens = await logInUsers(stack.gatewayUrl, viewers, PASSWORD);
    console.log(`${viewers} viewers logged in`);

    const body = JSON.stringify({ query: FEED_QUERY });
    const direct: Array<[string, string]> = [['users', stack.usersUrl], ['media', stack.mediaUrl!], ['posts', stack.postsUrl!], ['social', stack.socialUrl!]];
    for (const mode of MODES) {
      let replay: ReplaySubgraphs | undefined;
      if (mode === 'replayed') {
        replay = await replaySubgraphs(direct);
        onCleanup('stop replaying subgraphs', () => replay!.stop());
        console.log('\n### subgraphs replayed: each distinct subgraph request (same token, same body) reaches the subgraph once, its answer is replayed after that; the gateways dominate');
      } else {
        console.log('\n### subgraphs live: every subgraph request is executed (Postgres, Redis), in this process, beside the load clients');
      }
      await runGatewaySlots({
        stack,
        subgraphs: replay?.urls ?? direct,
        route: Boolean(replay),
        queries: [{
          key: 'feed',
          title: 'query HomeFeed { feed(first: 20) { … } } (bench/support/feed-query.ts), each client a viewer of its own',
          body: () => body,
          auth: (i) => `Bearer ${tokens[i % tokens.length]}`,
          valid: (d) => (d.feed as { edges?: unknown[] } | null)?.edges?.length === 20,
          // Media URLs are signed per 15-minute window: compared without them.
          comparable: (b) => JSON.stringify({ data: b.data, errors: b.errors?.map((e) => `${e.extensions?.code ?? ''} ${e.message ?? ''}`) }).replace(/"https?:[^"]*"/g, '"url"'),
        }],
        gateways: ['ours-on', 'stock'],
        seconds: SECONDS,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
      });
      if (replay) {
        const counts = Object.entries(replay.stats()).map(([name, c]) => `${name} ${c.passedOn}/${c.replayed}`).join(', ');
        console.log(`subgraph requests passed on / replayed (all slots, warm-ups included): ${counts}`);
      }
    }
    console.log(`\nhome-feed section: ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    await cleanupTo(mark);
  }
}
