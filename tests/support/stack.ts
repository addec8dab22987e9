// Starts real subgraphs and the gateway in this process on free ports, against the test run's
// database (see tests/global-setup.ts). Tests talk to them over real HTTP.
import { createDb, type Db } from '@fffoto/shared/db';
import type { ServiceHandle } from '@fffoto/shared/server';
import { loadGatewayConfig, startGateway } from '../../gateway/src/app.ts';
import { loadUsersConfig, startUsers } from '../../subgraphs/users/src/app.ts';

export interface Stack {
  gatewayUrl: string;
  usersUrl: string;
  /** The users subgraph's database client; `statements` counts what it sends. */
  usersDb: Db;
  statements: string[];
  stop(): Promise<void>;
}

export async function startStack(env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const base = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...env };
  const statements: string[] = [];
  const usersDb = createDb(base.DATABASE_URL!, { onQuery: (sql) => statements.push(sql) });
  const users = await startUsers(loadUsersConfig({ ...base, USERS_PORT: '0' }), { db: usersDb });
  const usersOrigin = new URL(users.url).origin;
  const gateway = await startGateway(
    loadGatewayConfig({
      ...base,
      GATEWAY_PORT: '0',
      JWKS_URL: `${usersOrigin}/.well-known/jwks.json`,
      SUBGRAPH_URLS: `users=${users.url}`,
    }),
  );
  const handles: ServiceHandle[] = [gateway, users];
  return {
    gatewayUrl: gateway.url,
    usersUrl: users.url,
    usersDb,
    statements,
    async stop() {
      for (const h of handles) await h.stop();
      await usersDb.$disconnect();
    },
  };
}
