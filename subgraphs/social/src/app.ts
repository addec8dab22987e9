// Builds and starts the social subgraph: follows, likes, comments, blocks, reports, News, the
// home feed and trending posts. main.ts, `npm start` and the tests start it through here.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createTokenVerifier } from '@fffoto/shared/auth';
import { baseShape, databaseShape, loadConfig, port, tokenVerifyShape, z } from '@fffoto/shared/config';
import { createDb, type Db } from '@fffoto/shared/db';
import { openEventBus } from '@fffoto/shared/events';
import { createLogger } from '@fffoto/shared/logger';
import { startOutboxRelay } from '@fffoto/shared/outbox';
import { createPubSub } from '@fffoto/shared/pubsub';
import { createRateLimit } from '@fffoto/shared/rate-limit';
import { connectRedis } from '@fffoto/shared/redis';
import { openRevocations } from '@fffoto/shared/revocation';
import { startSubgraph, type ServiceHandle } from '@fffoto/shared/server';
import { createSubgraphClient } from '@fffoto/shared/subgraph-client';
import { createTrending } from '@fffoto/shared/trending';
import { socialEventHandler } from './consumers.ts';
import { createContext } from './context.ts';
import type { SocialLimits } from './deps.ts';
import { Live } from './live.ts';
import { socialOutbox } from './outbox.ts';
import { PostRefs } from './post-refs.ts';
import { resolvers } from './resolvers.ts';
import { SocialService } from './service.ts';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

const perHour = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const socialConfigShape = {
  ...baseShape,
  ...databaseShape,
  ...tokenVerifyShape,
  /** Without it (embedded mode) events, pub/sub, trending and rate limits stay in this process. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_PREFIX: z.string().default('fffoto:'),
  SOCIAL_PORT: port(4003),
  /** Read-through of posts social has not heard of yet (edge social → posts). */
  POSTS_URL: z.url().default('http://localhost:4002/graphql'),
  /** Existence of users to follow, block or report (edge social → users). */
  USERS_URL: z.url().default('http://localhost:4001/graphql'),
  LIKES_PER_HOUR: perHour(300),
  COMMENTS_PER_HOUR: perHour(100),
  FOLLOWS_PER_HOUR: perHour(200),
  REPORTS_PER_HOUR: perHour(20),
  ACTIVITY_READS_PER_HOUR: perHour(600),
};
export type SocialConfig = ReturnType<typeof loadSocialConfig>;
export const loadSocialConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(socialConfigShape, env);

export interface SocialStartDeps {
  db?: Db;
}

export async function startSocial(config: SocialConfig, deps: SocialStartDeps = {}): Promise<ServiceHandle> {
  const log = createLogger('social', config.LOG_LEVEL);
  const db = deps.db ?? createDb(config.DATABASE_URL);
  const redis = config.REDIS_URL ? connectRedis({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log, name: 'social' }) : undefined;
  const limit = (name: string, points: number, what: string) =>
    createRateLimit({ name: `social-${name}`, points, durationSeconds: 3600, redis, message: (s) => `Too many ${what}; try again in ${s} s.` });
  const limits: SocialLimits = {
    likes: limit('likes', config.LIKES_PER_HOUR, 'likes'),
    comments: limit('comments', config.COMMENTS_PER_HOUR, 'comments'),
    follows: limit('follows', config.FOLLOWS_PER_HOUR, 'follows and blocks'),
    reports: limit('reports', config.REPORTS_PER_HOUR, 'reports'),
    reads: limit('activity-reads', config.ACTIVITY_READS_PER_HOUR, 'requests'),
  };
  const pubsub = createPubSub(config.REDIS_URL, config.REDIS_PREFIX, log);
  const live = new Live(pubsub.pubsub, log);
  const trending = createTrending({ name: 'posts', redis, log });
  const bus = openEventBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  const relay = startOutboxRelay(db, socialOutbox, bus, log);
  const consumer = bus.consume({ group: 'social', handler: socialEventHandler({ db, trending, live, log }) });
  const refs = new PostRefs(db, createSubgraphClient('posts', config.POSTS_URL), createSubgraphClient('users', config.USERS_URL));
  const social = new SocialService({ db, refs, limits, live, trending, relay, log });
  const revocations = openRevocations({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  return startSubgraph({
    name: 'social',
    typeDefs,
    resolvers,
    port: config.SOCIAL_PORT,
    log,
    verifier: createTokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, jwks: config.JWKS_URL, revocations }),
    context: (base) => createContext(base, social),
    ready: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    onStop: async () => {
      await consumer.stop();
      await relay.stop();
      await bus.close();
      await pubsub.close();
      await revocations.close();
      await redis?.close();
      if (!deps.db) await db.$disconnect();
    },
  });
}
