// What bench/gateway's process sections (small.ts, feed.ts) set up before measuring: a database
// and a Redis prefix of their own, and users bench_0 … logged in.
import { migrate } from '../../packages/shared/src/migrate.ts';
import { createDatabase, dropDatabase, dropStaleDatabases, uniqueName } from '../../tests/support/pg-admin.ts';
import { deleteKeysWithPrefix, redisReachable } from '../../tests/support/redis-admin.ts';
import { onCleanup } from '../support/cleanups.ts';

/** A migrated database `fffoto_bench_<id>` and a Redis prefix `fffoto-bench-<id>:`, both removed at cleanup. */
export async function benchDatabase(): Promise<{ databaseUrl: string; redisUrl: string; redisPrefix: string }> {
  await dropStaleDatabases(['fffoto_bench']).catch(() => undefined); // leftovers of killed runs, > 6 h old
  const dbName = uniqueName('fffoto_bench');
  const databaseUrl = await createDatabase(dbName);
  onCleanup(`drop database ${dbName}`, () => dropDatabase(dbName));
  await migrate(databaseUrl);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await redisReachable(redisUrl))) throw new Error(`no Redis answers at ${redisUrl} (REDIS_URL)`);
  const redisPrefix = `fffoto-bench-${dbName.slice('fffoto_bench_'.length)}:`;
  onCleanup(`delete Redis keys ${redisPrefix}*`, () => deleteKeysWithPrefix(redisUrl, redisPrefix));
  console.log(`database ${dbName}, Redis prefix ${redisPrefix}`);
  return { databaseUrl, redisUrl, redisPrefix };
}

/** Access tokens of bench_0 … bench_<count-1> (all with `password`), logged in through `gatewayUrl`, 8 at a time. */
export async function logInUsers(gatewayUrl: string, count: number, password: string): Promise<string[]> {
  const logIn = async (k: number): Promise<string> => {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }', variables: { i: { login: `bench_${k}`, password } } }),
    });
    const body = (await res.json()) as { data?: { logIn: { accessToken: string } }; errors?: unknown };
    if (!body.data) throw new Error(`bench_${k} could not log in: ${JSON.stringify(body.errors).slice(0, 300)}`);
    return body.data.logIn.accessToken;
  };
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 8) {
    tokens.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, (_, k) => logIn(i + k)))));
  }
  return tokens;
}
