// Prisma access for every process: Prisma Client 7 over the pg driver adapter (no engine binary).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export type * from './generated/prisma/client.ts';

export type Db = PrismaClient;

export interface DbOptions {
  /** Called with each SQL statement Prisma sends; tests count statements with it. */
  onQuery?: (sql: string) => void;
  poolSize?: number;
}

export function createDb(databaseUrl: string, opts: DbOptions = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.poolSize ?? 10 });
  if (!opts.onQuery) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  const onQuery = opts.onQuery;
  client.$on('query', (e: { query: string }) => onQuery(e.query));
  return client as unknown as Db;
}
