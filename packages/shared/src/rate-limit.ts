// The one rate-limit module: a fixed window of `points` per `durationSeconds` per key, counted
// in Redis when there is one (so every replica shares the count) and in memory otherwise. While
// Redis is unreachable the count falls back to this process's memory (rate-limiter-flexible's
// insurance limiter) instead of failing the request. Over the limit is RATE_LIMITED with
// `retryAfterSeconds`, computed one way for every limiter.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from './errors.ts';
import type { RedisConnection } from './redis.ts';

export interface RateLimitOptions {
  /** Names the counter in Redis keys: `<prefix>rl:<name>:<key>`. */
  name: string;
  points: number;
  durationSeconds: number;
  redis?: RedisConnection;
  /** The message of the RATE_LIMITED error (the wait is in its extensions). */
  message: string | ((retryAfterSeconds: number) => string);
}

export interface RateLimit {
  /** Takes `points` (default 1) for `key`; throws RATE_LIMITED when over the limit. */
  consume(key: string, points?: number): Promise<void>;
  /** Forgets `key`'s count (e.g. a successful log-in). */
  reset(key: string): Promise<void>;
}

export function createRateLimit(opts: RateLimitOptions): RateLimit {
  const window = { points: opts.points, duration: opts.durationSeconds };
  const memory = new RateLimiterMemory({ ...window, keyPrefix: `rl:${opts.name}` });
  const limiter: RateLimiterAbstract = opts.redis
    ? new RateLimiterRedis({
        ...window,
        storeClient: opts.redis.client,
        keyPrefix: opts.redis.key('rl', opts.name),
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  return {
    async consume(key, points = 1) {
      try {
        await limiter.consume(key, points);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        const message = typeof opts.message === 'function' ? opts.message(retryAfterSeconds) : opts.message;
        throw rateLimited(message, retryAfterSeconds);
      }
    },
    async reset(key) {
      await limiter.delete(key).catch(() => memory.delete(key));
    },
  };
}
