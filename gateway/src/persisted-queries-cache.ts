// The store behind automatic persisted queries (APQ): hash → query text, shared by every gateway
// replica through Redis (REDIS_URL), or kept in this process when there is none (embedded
// `npm start`). Apollo Server reads it for hash-only requests and writes it when a client sends
// a query with its hash (after the query has parsed and validated).
//
// Bounds: a text over `maxBytes` is not stored (it still runs; the client keeps sending it in
// full); entries expire after `ttlSeconds`; the in-process store is an LRU of MEMORY_BYTES.
// Redis unreachable or slow: a lookup answers "not found" within LOOKUP_BUDGET_MS, so an APQ
// client falls back to sending the full query, which runs (and is not stored); a write that
// fails is logged and forgotten. Requests without a persisted query never touch this store.
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { stripIgnoredCharacters } from 'graphql';
import type { Logger } from '@fffoto/shared/logger';
import { connectRedis, type RedisConnection } from '@fffoto/shared/redis';

/** How long a lookup may wait for Redis before it counts as a miss (the command itself may run on). */
export const LOOKUP_BUDGET_MS = 250;
/** Size of the in-process store: text, key and what an entry costs the heap besides (measured ≈ 220 B). */
const MEMORY_BYTES = 16 * 1024 * 1024;
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * What is stored: the text without comments and spacing (the same document, so the same hash
 * lookups). Padding a query with a comment must not buy a client 32 KB of the shared Redis
 * (which also holds revocations, rate limits and the media queue) for a day.
 */
const compact = (query: string): string => {
  try {
    return stripIgnoredCharacters(query);
  } catch {
    return query; // Apollo stores only what parsed; kept as it came otherwise
  }
};

export interface PersistedQueryStoreOptions {
  /** REDIS_URL; without it, the in-process LRU. */
  redisUrl?: string;
  /** REDIS_PREFIX: keys are `<prefix>apq:<sha256>` (Apollo Server adds the `apq:`). */
  prefix: string;
  ttlSeconds: number;
  maxBytes: number;
  log: Logger;
}

export interface PersistedQueryStore extends KeyValueCache<string> {
  /** Where entries live, for /ready and logs. */
  readonly kind: 'redis' | 'memory';
  close(): Promise<void>;
}

export function openPersistedQueryStore(opts: PersistedQueryStoreOptions): PersistedQueryStore {
  const fits = (value: string) => Buffer.byteLength(value) <= opts.maxBytes;
  if (!opts.redisUrl) {
    const lru = new InMemoryLRUCache<string>({
      maxSize: MEMORY_BYTES,
      ttl: opts.ttlSeconds * 1000,
      sizeCalculation: (value, key) => value.length + key.length + ENTRY_OVERHEAD_BYTES,
    });
    return {
      kind: 'memory',
      get: (key) => lru.get(key),
      set: async (key, value, options) => {
        const text = compact(value);
        if (fits(text)) await lru.set(key, text, { ttl: options?.ttl ?? opts.ttlSeconds });
      },
      delete: (key) => lru.delete(key),
      close: async () => lru.clear(),
    };
  }
  const redis = connectRedis({ url: opts.redisUrl, prefix: opts.prefix, role: 'command', log: opts.log, name: 'persisted-queries' });
  return new RedisPersistedQueryStore(redis, opts, fits);
}

class RedisPersistedQueryStore implements PersistedQueryStore {
  readonly kind = 'redis';

  constructor(
    private readonly redis: RedisConnection,
    private readonly opts: PersistedQueryStoreOptions,
    private readonly fits: (value: string) => boolean,
  ) {}

  async get(key: string): Promise<string | undefined> {
    // Not connected: a miss at once, not a queued command waiting for its timeout.
    if (!this.redis.isReady()) return undefined;
    const lookup = this.redis.client.get(this.redis.key(key));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LOOKUP_BUDGET_MS);
    });
    try {
      return (await Promise.race([lookup, budget])) ?? undefined;
    } catch (err) {
      this.opts.log.debug({ err: (err as Error).message }, 'persisted query lookup failed: answered as not found');
      return undefined;
    } finally {
      clearTimeout(timer);
      lookup.catch(() => undefined); // a late failure after the budget is not unhandled
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    // Sent even while reconnecting (queued, then bounded by the command timeout): nobody waits on it.
    const text = compact(value);
    if (!this.fits(text)) return;
    const ttl = Math.max(1, Math.ceil(options?.ttl ?? this.opts.ttlSeconds));
    try {
      await this.redis.client.set(this.redis.key(key), text, 'EX', ttl);
    } catch (err) {
      // The query ran; only the next hash-only request for it misses (and the client resends it).
      this.opts.log.warn({ err: (err as Error).message }, 'could not store a persisted query');
    }
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.client.del(this.redis.key(key)).catch(() => 0)) > 0;
  }

  close(): Promise<void> {
    return this.redis.close();
  }
}
