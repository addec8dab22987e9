// Central revocation of access tokens. logOut and refresh-token reuse revoke a session (`sid`);
// deleteAccount revokes a user (every token issued up to that moment). Entries live only as
// long as an access token can (the issuer passes ACCESS_TOKEN_TTL_SECONDS), so the store stays
// small. In Redis (every process and replica sees them); without Redis an in-process stand-in
// keyed by REDIS_PREFIX, so the embedded all-in-one process shares one, and test stacks with
// other prefixes do not see each other's.
//
// Redis unreachable during a check: we FAIL OPEN with a warning log. Access tokens are short
// (minutes), users re-checks the account row on every operation on it, and refusing every
// request of every user while Redis is down would be a worse outage than a revoked token
// living on until its expiry. The check never hangs: it is skipped at once while the client
// is not connected, and otherwise given REVOCATION_CHECK_BUDGET_MS (far below the command
// policy's timeout): a hung Redis (connected, not answering) costs each process an
// authenticated request passes through at most that, not the 1.5 s command timeout per hop.
import { connectRedis, isRedisOutage, type RedisConnection } from './redis.ts';
import type { Logger } from './logger.ts';

export interface TokenClaims {
  userId: string;
  sessionId?: string;
  /** The token's `iat`, in seconds. */
  issuedAt: number;
}

export interface Revocations {
  /** Revokes every access token of the session (refresh-token family). */
  revokeSession(sessionId: string, ttlSeconds: number): Promise<void>;
  /** Revokes every access token of the user issued up to now. */
  revokeUser(userId: string, ttlSeconds: number): Promise<void>;
  isRevoked(claims: TokenClaims): Promise<boolean>;
  close(): Promise<void>;
}

/** How long a revocation check may wait for Redis before it fails open (with a warning). */
export const REVOCATION_CHECK_BUDGET_MS = 300;

/** How long a check's answer is reused in this process (revocations reach it within this). */
export const REVOCATION_CACHE_MS = 1_000;

const sessionKey = (sid: string) => ['revoked', 'sid', sid];
const userKey = (userId: string) => ['revoked', 'user', userId];

/** A user entry holds the revocation time (ms); tokens issued in that second or before are revoked. */
const revokedByUser = (revokedAtMs: number | undefined, issuedAt: number) =>
  revokedAtMs !== undefined && issuedAt * 1000 <= revokedAtMs;

// ── in-process stand-in ──────────────────────────────────────────────────────

interface MemoryEntries {
  entries: Map<string, { value: number; expiresAt: number }>;
}
const memoryByPrefix = new Map<string, MemoryEntries>();

/** Shared by prefix when it stands in for Redis; private to one instance otherwise. */
function memoryStore(prefix: string, shared: boolean) {
  let store = shared ? memoryByPrefix.get(prefix) : undefined;
  if (!store) {
    store = { entries: new Map() };
    if (shared) memoryByPrefix.set(prefix, store);
  }
  const { entries } = store;
  const name = (parts: string[]) => prefix + parts.join(':');
  return {
    set(parts: string[], value: number, ttlSeconds: number) {
      entries.set(name(parts), { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    },
    get(parts: string[]): number | undefined {
      const e = entries.get(name(parts));
      if (!e) return undefined;
      if (e.expiresAt <= Date.now()) {
        entries.delete(name(parts));
        return undefined;
      }
      return e.value;
    },
  };
}

// ── the store ────────────────────────────────────────────────────────────────

export interface RevocationOptions {
  /** REDIS_URL; without it, the in-process stand-in. */
  url?: string;
  prefix: string;
  log?: Logger;
  cacheMs?: number;
  /** Default REVOCATION_CHECK_BUDGET_MS. */
  checkBudgetMs?: number;
}

const OVER_BUDGET = Symbol('over budget');

/** `promise`, or OVER_BUDGET once `ms` have passed (the command itself runs on to its own timeout). */
async function withinBudget<T>(ms: number, promise: Promise<T>): Promise<T | typeof OVER_BUDGET> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<typeof OVER_BUDGET>((resolve) => {
    // Through setImmediate: after an event-loop stall the timer fires before pending replies
    // are read; one more poll phase lets an answer that did arrive in time win.
    timer = setTimeout(() => setImmediate(() => resolve(OVER_BUDGET)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, budget]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => undefined); // a late rejection after the budget is not unhandled
  }
}

export function openRevocations(opts: RevocationOptions): Revocations {
  const redis: RedisConnection | undefined = opts.url
    ? connectRedis({ url: opts.url, prefix: opts.prefix, role: 'command', log: opts.log, name: 'revocations' })
    : undefined;
  const memory = memoryStore(opts.prefix, !redis);
  const cacheMs = opts.cacheMs ?? REVOCATION_CACHE_MS;
  const budgetMs = opts.checkBudgetMs ?? REVOCATION_CHECK_BUDGET_MS;
  const cache = new Map<string, { revoked: boolean; until: number }>();

  const write = async (parts: string[], value: number, ttlSeconds: number) => {
    // This instance knows at once, whatever happens to Redis.
    memory.set(parts, value, ttlSeconds);
    cache.clear();
    if (!redis) return;
    try {
      await redis.client.set(redis.key(...parts), String(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    } catch (err) {
      // Other processes will not see it until their tokens expire; the session or account is
      // still ended in the database, so no new tokens are issued for it.
      opts.log?.error({ err: (err as Error).message, key: parts.join(':') }, 'could not record a revocation in redis');
    }
  };

  const lookup = async (claims: TokenClaims): Promise<boolean> => {
    const local = memory.get(userKey(claims.userId));
    if (revokedByUser(local, claims.issuedAt)) return true;
    if (claims.sessionId && memory.get(sessionKey(claims.sessionId)) !== undefined) return true;
    if (!redis) return false;
    if (!redis.isReady()) {
      opts.log?.warn('revocation check skipped: redis unreachable (failing open)');
      return false;
    }
    const keys = [redis.key(...userKey(claims.userId))];
    if (claims.sessionId) keys.push(redis.key(...sessionKey(claims.sessionId)));
    try {
      const answer = await withinBudget(budgetMs, redis.client.mget(...keys));
      if (answer === OVER_BUDGET) {
        opts.log?.warn({ budgetMs }, 'revocation check skipped: redis did not answer in time (failing open)');
        return false;
      }
      const [user, session] = answer;
      return revokedByUser(user ? Number(user) : undefined, claims.issuedAt) || (session !== null && session !== undefined);
    } catch (err) {
      if (!isRedisOutage(err)) throw err;
      opts.log?.warn({ err: (err as Error).message }, 'revocation check skipped: redis unreachable (failing open)');
      return false;
    }
  };

  return {
    revokeSession: (sessionId, ttl) => write(sessionKey(sessionId), Date.now(), ttl),
    revokeUser: (userId, ttl) => write(userKey(userId), Date.now(), ttl),
    async isRevoked(claims) {
      const id = `${claims.userId}|${claims.sessionId ?? ''}|${claims.issuedAt}`;
      const now = Date.now();
      const hit = cache.get(id);
      if (hit && hit.until > now) return hit.revoked;
      const revoked = await lookup(claims);
      if (cache.size > 10_000) cache.clear();
      cache.set(id, { revoked, until: now + cacheMs });
      return revoked;
    },
    async close() {
      await redis?.close();
    },
  };
}
