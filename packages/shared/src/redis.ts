// The one door to Redis. Every Redis client in every process is made here, with one of three
// policies, and every key and channel is spelled through one prefix (REDIS_PREFIX), so test
// runs and deployments can share a server without seeing each other.
//
// - command:    rate limits, revocations, caches, trending. A command answers within
//               COMMAND_TIMEOUT_MS or rejects (also while disconnected: ioredis arms the timeout
//               on queued commands too), so an outage is an error, never a hang.
// - subscriber: pub/sub. Waits forever and reconnects forever; resubscribes by itself.
// - queue:      BullMQ (which requires maxRetriesPerRequest: null). Callers bound their own
//               calls (withDeadline) since BullMQ commands may not time out.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

export type { Redis };

export type RedisRole = 'command' | 'subscriber' | 'queue';

/** How long a single Redis command may take before it counts as an outage. */
export const COMMAND_TIMEOUT_MS = 1_500;

/** Reconnect quickly at first, then every 2 s, forever: Redis coming back is picked up by itself. */
const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2_000);

export function redisOptions(role: RedisRole): RedisOptions {
  const common: RedisOptions = { connectTimeout: 2_000, retryStrategy, lazyConnect: false };
  switch (role) {
    case 'command':
      return { ...common, commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 1, enableOfflineQueue: true };
    case 'subscriber':
      return { ...common, maxRetriesPerRequest: null };
    case 'queue':
      return { ...common, maxRetriesPerRequest: null };
  }
}

export interface RedisConnection {
  /** The prefix every key and channel starts with (REDIS_PREFIX). */
  readonly prefix: string;
  /** `prefix + parts.join(':')`: the one way keys are spelled. */
  key(...parts: string[]): string;
  /** Whether the client is connected right now (for fallbacks that should not even try). */
  isReady(): boolean;
  readonly client: Redis;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url: string;
  prefix: string;
  role?: RedisRole;
  log?: Logger;
  /** A name shown in logs ("rate-limits", "revocations", …). */
  name?: string;
}

export function connectRedis(opts: RedisConnectionOptions): RedisConnection {
  const role = opts.role ?? 'command';
  const client = new Redis(opts.url, { ...redisOptions(role), connectionName: opts.name });
  // An 'error' listener is required (ioredis would print unhandled errors); log once per outage.
  let down = false;
  client.on('error', (err) => {
    if (!down) opts.log?.warn({ err: err.message, redis: opts.name ?? role }, 'redis unreachable');
    down = true;
  });
  client.on('ready', () => {
    if (down) opts.log?.info({ redis: opts.name ?? role }, 'redis reachable again');
    down = false;
  });
  return {
    prefix: opts.prefix,
    key: (...parts) => opts.prefix + parts.join(':'),
    isReady: () => client.status === 'ready',
    client,
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** BullMQ connection options with the queue policy (BullMQ makes its own clients from these). */
export function bullConnection(url: string): RedisOptions & { url: string } {
  return { url, ...redisOptions('queue') };
}

/** True for errors that mean "Redis is not there", as opposed to a bad command. */
export function isRedisOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|max retries per request/i.test(
      err.message,
    )
  );
}
