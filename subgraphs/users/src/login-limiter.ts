// Log-in throttling: at most LOGIN_MAX_FAILURES failed log-ins per login (handle or email,
// normalised) in a window of LOGIN_WINDOW_SECONDS; a successful log-in resets the count.
//
// Every attempt takes a point BEFORE the password is hashed, so concurrent attempts (many
// requests, or many aliases in one) cannot get more than the limit to argon2 between them, and
// the check is the same whether the login exists or not (nothing to enumerate). Memory-backed
// per process by default; Redis-backed when users has a REDIS_URL, so the limit holds across
// replicas (a per-process memory limiter stands in while Redis is unreachable).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from '@fffoto/shared/config';
import { gqlError } from '@fffoto/shared/errors';

export const loginLimiterShape = {
  /** Failed log-ins allowed per login in one window; the next attempt is refused (RATE_LIMITED). */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(10),
  /** The window, from the first failure, after which a login's failures are forgotten. */
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(15 * 60),
};

export interface LoginLimiterOptions {
  maxFailures: number;
  windowSeconds: number;
  /** Shared store for all users replicas; without it, each process counts on its own. */
  redis?: Redis;
  /** Redis key prefix (REDIS_PREFIX). */
  prefix?: string;
}

export interface LoginLimiter {
  /** Counts an attempt for this login; throws RATE_LIMITED when it is over the limit. Call before hashing. */
  attempt(login: string): Promise<void>;
  /** The password was right: the login's failures are forgotten. */
  succeeded(login: string): Promise<void>;
}

/** The login as log-in looks it up (trimmed, lower case); hashed, so a key has a bounded size. */
export const loginKey = (login: string) =>
  createHash('sha256').update(login.trim().toLowerCase()).digest('base64url');

export function createLoginLimiter(opts: LoginLimiterOptions): LoginLimiter {
  const options = { points: opts.maxFailures, duration: opts.windowSeconds };
  const memory = new RateLimiterMemory({ ...options, keyPrefix: 'login-failures' });
  const limiter: RateLimiterAbstract = opts.redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: opts.redis,
        keyPrefix: `${opts.prefix ?? ''}login-failures`,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  return {
    async attempt(login) {
      try {
        await limiter.consume(loginKey(login));
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        // One message for every login, known or not; the wait is in the extensions.
        throw gqlError('RATE_LIMITED', 'Too many failed log-ins for this login; try again later.', { retryAfterSeconds });
      }
    },
    async succeeded(login) {
      await limiter.delete(loginKey(login));
    },
  };
}
