// Log-in throttling: at most LOGIN_MAX_FAILURES failed log-ins per login (handle or email,
// normalised) in a window of LOGIN_WINDOW_SECONDS; a successful log-in resets the count.
//
// Every attempt takes a point BEFORE the password is hashed, so concurrent attempts (many
// requests, or many aliases in one) cannot get more than the limit to argon2 between them, and
// the check is the same whether the login exists or not (nothing to enumerate). Counted by the
// one rate-limit module (shared/rate-limit.ts): in Redis when users has a REDIS_URL, so the
// limit holds across replicas (per-process memory stands in while Redis is unreachable), and
// in memory per process otherwise.
import { createHash } from 'node:crypto';
import { z } from '@fffoto/shared/config';
import { createRateLimit } from '@fffoto/shared/rate-limit';
import type { RedisConnection } from '@fffoto/shared/redis';

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
  redis?: RedisConnection;
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
  const limit = createRateLimit({
    name: 'login-failures',
    points: opts.maxFailures,
    durationSeconds: opts.windowSeconds,
    redis: opts.redis,
    // One message for every login, known or not; the wait is in the extensions.
    message: 'Too many failed log-ins for this login; try again later.',
  });
  return {
    attempt: (login) => limit.consume(loginKey(login)),
    succeeded: (login) => limit.reset(loginKey(login)),
  };
}
