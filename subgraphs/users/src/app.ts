// Builds and starts the users subgraph from its config. main.ts (its own process), the
// embedded all-in-one start and the tests all start it through here.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createTokenVerifier, loadSigningKey, publicJwks } from '@fffoto/shared/auth';
import { baseShape, databaseShape, loadConfig, port, tokenVerifyShape, z } from '@fffoto/shared/config';
import { createDb, type Db } from '@fffoto/shared/db';
import { createLogger } from '@fffoto/shared/logger';
import { startSubgraph, type ServiceHandle } from '@fffoto/shared/server';
import { createContext } from './context.ts';
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
  const users = new UsersService(db, sessions);
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
      await db.$queryRaw`SELECT 1`;
    },
    onStop: async () => {
      if (!deps.db) await db.$disconnect();
    },
  });
}
