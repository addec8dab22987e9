// Builds and starts the users subgraph from its config. main.ts (its own process), the
// embedded all-in-one start and the tests all start it through here.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createTokenVerifier, loadSigningKey, publicJwks } from '@fffoto/shared/auth';
import { baseShape, ConfigError, databaseShape, loadConfig, port, redisShape, tokenVerifyShape, z } from '@fffoto/shared/config';
import { createDb, type Db } from '@fffoto/shared/db';
import { openEventBus } from '@fffoto/shared/events';
import { createLogger } from '@fffoto/shared/logger';
import { connectRedis, type RedisConnection } from '@fffoto/shared/redis';
import { openRevocations } from '@fffoto/shared/revocation';
import { startSubgraph, type ServiceHandle } from '@fffoto/shared/server';
import { createContext } from './context.ts';
import { createLoginLimiter, loginLimiterShape } from './login-limiter.ts';
import { startOutboxRelay } from '@fffoto/shared/outbox';
import { usersOutbox } from './outbox.ts';
import { resolvers } from './resolvers.ts';
import { UsersService } from './service.ts';
import { Sessions } from './sessions.ts';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export const usersConfigShape = {
  ...baseShape,
  ...databaseShape,
  JWT_ISSUER: tokenVerifyShape.JWT_ISSUER,
  JWT_AUDIENCE: tokenVerifyShape.JWT_AUDIENCE,
  USERS_PORT: port(4001),
  /** PKCS#8 PEM of the ES256 signing key; without it a fresh key is made at each start. */
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_KEY_ID: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 86_400),
  /** A spent refresh token presented again within this many seconds (a retry) gets the same pair. */
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
  /**
   * Optional: with it, log-in throttling, revocations and account events are shared by all
   * replicas and services; without, they stay in this process (embedded mode).
   */
  REDIS_URL: redisShape.REDIS_URL.optional(),
  REDIS_PREFIX: redisShape.REDIS_PREFIX,
  ...loginLimiterShape,
};
export type UsersConfig = ReturnType<typeof loadUsersConfig>;
export const loadUsersConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(usersConfigShape, env);

export interface UsersDeps {
  db?: Db;
}

export async function startUsers(config: UsersConfig, deps: UsersDeps = {}): Promise<ServiceHandle> {
  if (config.NODE_ENV === 'production' && !config.JWT_PRIVATE_KEY) {
    throw new ConfigError('config: JWT_PRIVATE_KEY is missing: production needs a stable signing key');
  }
  const log = createLogger('users', config.LOG_LEVEL);
  const db = deps.db ?? createDb(config.DATABASE_URL);
  const key = await loadSigningKey(config.JWT_PRIVATE_KEY, config.JWT_KEY_ID);
  const jwks = publicJwks([key]);
  const revocations = openRevocations({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  const sessions = new Sessions(
    db,
    {
      key,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      reuseGraceSeconds: config.REFRESH_REUSE_GRACE_SECONDS,
    },
    revocations,
    log,
  );
  const redis = config.REDIS_URL ? await connectBriefly(config.REDIS_URL, config.REDIS_PREFIX, log) : undefined;
  const loginLimiter = createLoginLimiter({
    maxFailures: config.LOGIN_MAX_FAILURES,
    windowSeconds: config.LOGIN_WINDOW_SECONDS,
    redis,
  });
  const bus = openEventBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  // The relay polls on a small pool of its own, so it never takes a connection a request needs
  // (and its polling is not part of any request's statements).
  const relayDb = createDb(config.DATABASE_URL, { poolSize: 2 });
  const relay = startOutboxRelay(relayDb, usersOutbox, bus, log);
  const users = new UsersService(db, sessions, loginLimiter, relay);
  return startSubgraph({
    name: 'users',
    typeDefs,
    resolvers,
    port: config.USERS_PORT,
    log,
    // The issuer verifies with the key it holds; everyone else fetches this JWKS.
    verifier: createTokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, jwks, revocations }),
    context: (base) => createContext(base, users),
    routes: (app) => {
      app.get('/.well-known/jwks.json', (_req, res) => {
        res.set('Cache-Control', 'public, max-age=300').json(jwks);
      });
    },
    ready: async () => {
      // Not Redis: while it is down, log-in throttling counts per process and revocation
      // checks fail open (revocation.ts); outbox rows wait for it.
      await db.$queryRaw`SELECT 1`;
    },
    onStop: async () => {
      await relay.stop();
      await relayDb.$disconnect();
      await bus.close();
      await revocations.close();
      await redis?.close();
      if (!deps.db) await db.$disconnect();
    },
  });
}

/**
 * The log-in limiter's Redis. Start waits (briefly) for the connection, so the first log-ins
 * are counted in Redis; while Redis is unreachable the limiter counts in memory.
 */
async function connectBriefly(url: string, prefix: string, log: ReturnType<typeof createLogger>): Promise<RedisConnection> {
  const redis = connectRedis({ url, prefix, role: 'command', log, name: 'login-limits' });
  if (!redis.isReady()) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3_000);
      timer.unref();
      redis.client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return redis;
}
