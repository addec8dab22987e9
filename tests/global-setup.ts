// Vitest global setup: one fresh, migrated database and one Redis key prefix per run, so runs
// (and CI jobs on the same machine) never see each other's data; both are removed at the end.
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { migrate } from '../packages/shared/src/migrate.ts';
import { createDatabase, dropDatabase, dropStaleDatabases } from './support/pg-admin.ts';
import { deleteKeysWithPrefix } from './support/redis-admin.ts';

export interface TestEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testEnv: TestEnv;
  }
}


export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await dropStaleDatabases(['fffoto_test', 'fffoto_migrate_test']);
  const id = `${Date.now()}_${randomBytes(4).toString('hex')}`;
  const dbName = `fffoto_test_${id}`;
  const databaseUrl = await createDatabase(dbName);
  try {
    await migrate(databaseUrl);
  } catch (err) {
    await dropDatabase(dbName);
    throw err;
  }
  const env: TestEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `fffoto-test-${id}:`,
  };
  // Workers are forked after this runs and inherit process.env; provide() is the documented
  // channel too, read back through tests/env.ts.
  Object.assign(process.env, env);
  process.env.NODE_ENV = 'test';
  // tests/support/needs.ts reads this; issue 11 decides it by probing (today: Redis is assumed).
  process.env.TEST_REDIS_AVAILABLE ??= '1';
  process.env.LOG_LEVEL ??= 'silent';
  project.provide('testEnv', env);

  return async () => {
    try {
      await dropDatabase(dbName);
    } finally {
      await deleteKeysWithPrefix(env.REDIS_URL, env.REDIS_PREFIX);
    }
  };
}
