// What a test needs beyond Node, decided once per run by tests/global-setup.ts:
// - TEST_REDIS_AVAILABLE: a Redis server answers at REDIS_URL. Without it, the suite runs
//   against the in-process stand-ins that `npm start` uses, and tests whose point is Redis
//   itself (BullMQ retries and stalls, restarts, cross-replica sharing) skip, naming what they need.
// - a `redis-server` binary, for fault tests that run (and kill) a Redis of their own.
// With CI=true a missing need is a failure, never a skip: CI must run everything.
import { execFileSync } from 'node:child_process';

export const redisAvailable = (): boolean => process.env.TEST_REDIS_AVAILABLE === '1';

export function redisServerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * For `describe.skipIf(...)`: true when the test must skip because `need` is missing. Under
 * CI=true it throws instead, so CI fails rather than skipping what an issue asks for.
 */
export function skipWithout(need: 'redis' | 'redis-server', why: string): boolean {
  const have = need === 'redis' ? redisAvailable() : redisServerBinary() !== undefined;
  if (have) return false;
  const what = need === 'redis' ? `a Redis server at REDIS_URL` : 'the redis-server binary';
  if (process.env.CI === 'true') throw new Error(`CI=true: ${why} needs ${what}, which is missing`);
  console.warn(`skipped: ${why} needs ${what}`);
  return true;
}
