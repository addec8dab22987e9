// Builds and starts the posts subgraph from its config. main.ts (its own process), the
// embedded all-in-one start and the tests all start it through here.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createTokenVerifier } from '@fffoto/shared/auth';
import { baseShape, databaseShape, loadConfig, port, redisShape, tokenVerifyShape, z } from '@fffoto/shared/config';
import { createDb, type Db } from '@fffoto/shared/db';
import { openEventBus } from '@fffoto/shared/events';
import { createLogger } from '@fffoto/shared/logger';
import { startOutboxRelay } from '@fffoto/shared/outbox';
import { createRateLimit } from '@fffoto/shared/rate-limit';
import { connectRedis } from '@fffoto/shared/redis';
import { openRevocations } from '@fffoto/shared/revocation';
import { startSubgraph, type ServiceHandle } from '@fffoto/shared/server';
import { createSubgraphClient } from '@fffoto/shared/subgraph-client';
import { createTrending } from '@fffoto/shared/trending';
import { startConsumers } from './consumers.ts';
import { createContext } from './context.ts';
import { postsOutbox } from './outbox.ts';
import { PostQueries } from './queries.ts';
import { resolvers } from './resolvers.ts';
import { PostsService } from './service.ts';
import { createUpstream } from './upstream.ts';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export const postsConfigShape = {
  ...baseShape,
  ...databaseShape,
  ...tokenVerifyShape,
  POSTS_PORT: port(4002),
  /** Optional: rate limits, trending and events are shared through it; in process without. */
  REDIS_URL: redisShape.REDIS_URL.optional(),
  REDIS_PREFIX: redisShape.REDIS_PREFIX,
  /** Where createPost checks the loop (an edge posts → media). */
  MEDIA_URL: z.url().default('http://localhost:4004/graphql'),
  /** Where @mentions are resolved to users (an edge posts → users). */
  USERS_URL: z.url().default('http://localhost:4001/graphql'),
  POSTS_PER_HOUR: z.coerce.number().int().min(1).default(30),
  POST_WRITES_PER_HOUR: z.coerce.number().int().min(1).default(300),
};
export type PostsConfig = ReturnType<typeof loadPostsConfig>;
export const loadPostsConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(postsConfigShape, env);

export interface PostsDeps {
  db?: Db;
}

export async function startPosts(config: PostsConfig, deps: PostsDeps = {}): Promise<ServiceHandle> {
  const log = createLogger('posts', config.LOG_LEVEL);
  const db = deps.db ?? createDb(config.DATABASE_URL);
  const redis = config.REDIS_URL
    ? connectRedis({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, role: 'command', log, name: 'posts' })
    : undefined;
  const revocations = openRevocations({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  const bus = openEventBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  const relay = startOutboxRelay(db, postsOutbox, bus, log);
  const tagTrending = createTrending({ name: 'tags', redis, log });
  const hourly = (name: string, points: number, what: string) =>
    createRateLimit({ name, points, durationSeconds: 3600, redis, message: (s) => `Too many ${what}; try again in ${s} s.` });
  const posts = new PostsService({
    db,
    relay,
    trending: tagTrending,
    upstream: createUpstream(createSubgraphClient('media', config.MEDIA_URL), createSubgraphClient('users', config.USERS_URL)),
    createLimit: hourly('create-post', config.POSTS_PER_HOUR, 'posts'),
    writeLimit: hourly('post-writes', config.POST_WRITES_PER_HOUR, 'changes to posts'),
    log,
  });
  const queries = new PostQueries(db);
  const consumer = startConsumers(bus, posts, log);
  return startSubgraph({
    name: 'posts',
    typeDefs,
    resolvers,
    port: config.POSTS_PORT,
    log,
    verifier: createTokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, jwks: config.JWKS_URL, revocations }),
    context: (base) => createContext(base, { posts, queries, tagTrending }),
    ready: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    onStop: async () => {
      await consumer.stop();
      await relay.stop();
      await bus.close();
      await revocations.close();
      await redis?.close();
      if (!deps.db) await db.$disconnect();
    },
  });
}
