// Builds and starts the users subgraph from its config. main.ts (its own process), the
// embedded all-in-one start and the tests all start it through here.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import { createTokenVerifier, loadSigningKey, publicJwks } from '@fffoto/shared/auth';
import { baseShape, databaseShape, loadConfig, port, redisShape, tokenVerifyShape, z } from '@fffoto/shared/config';
import { createDb, type Db } from '@fffoto/shared/db';
import { createLogger, type Logger } from '@fffoto/shared/logger';
import { startSubgraph, type ServiceHandle } from '@fffoto/shared/server';
import { createContext } from './context.ts';
import { createLoginLimiter, loginLimiterShape } from './login-limiter.ts';
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
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 86_400),
  /** Optional: with it, log-in throttling is shared by all users replicas; without, per process. */
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
    throw new Error('config: JWT_PRIVATE_KEY is missing: production needs a stable signing key');
  }
  const log = createLogger('users', config.LOG_LEVEL);
  const db = deps.db ?? createDb(config.DATABASE_URL);
  const key = await loadSigningKey(config.JWT_PRIVATE_KEY, config.JWT_KEY_ID);
  const jwks = publicJwks([key]);
  const sessions = new Sessions(db, {
    key,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  });
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : undefined;
  const loginLimiter = createLoginLimiter({
    maxFailures: config.LOGIN_MAX_FAILURES,
    windowSeconds: config.LOGIN_WINDOW_SECONDS,
    redis,
    prefix: config.REDIS_PREFIX,
  });
  const users = new UsersService(db, sessions, loginLimiter);
  return startSubgraph({
    name: 'users',
    typeDefs,
    resolvers,
    port: config.USERS_PORT,
    log,
    // The issuer verifies with the key it holds; everyone else fetches this JWKS.
    verifier: createTokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, jwks }),
    context: (base) => createContext(base, users),
    routes: (app) => {
      app.get('/.well-known/jwks.json', (_req, res) => {
        res.set('Cache-Control', 'public, max-age=300').json(jwks);
      });
    },
    ready: async () => {
      // Not Redis: while it is down, log-in throttling counts per process (login-limiter.ts).
      await db.$queryRaw`SELECT 1`;
    },
    onStop: async () => {
      if (redis) await redis.quit().catch(() => redis.disconnect());
      if (!deps.db) await db.$disconnect();
    },
  });
}

/**
 * A Redis client for the log-in limiter. Start waits (briefly) for the connection, so the first
 * log-ins are counted in Redis; while Redis is unreachable the limiter counts in memory.
 */
async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) log.warn({ err }, 'redis unreachable; log-in throttling counts per process meanwhile');
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
