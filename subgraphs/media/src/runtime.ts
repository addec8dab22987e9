// The external systems the media subgraph and worker use, built once from config: database,
// S3, pub/sub, queue. Embedded mode (no REDIS_URL) runs the queue and pub/sub in process.
// Every Redis client comes from @fffoto/shared/redis: `redis` (rate limits, pings) has the
// command policy, BullMQ the queue policy, pub/sub its own pair.
import { createDb, type Db } from '@fffoto/shared/db';
import type { Logger } from '@fffoto/shared/logger';
import { createPubSub, type PubSubHandle } from '@fffoto/shared/pubsub';
import { connectRedis, type RedisConnection } from '@fffoto/shared/redis';
import { maxPartBytes, type MediaConfig } from './config.ts';
import { LoopStore } from './loop-store.ts';
import { createBullQueue, createMemoryQueue, type LoopQueue, type WorkerOptions } from './queue.ts';
import { createS3Storage, type ObjectStorage } from './storage.ts';
import { encodeJobHandler, finalFailureHandler } from './encode-job.ts';

export interface MediaRuntime {
  config: MediaConfig;
  db: Db;
  storage: ObjectStorage;
  pubsub: PubSubHandle;
  loops: LoopStore;
  redis?: RedisConnection;
  maxPartBytes: (kind: 'FRAMES' | 'VIDEO') => number;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  db?: Db;
  storage?: ObjectStorage;
}

/** The S3 client the media processes use, from their config. */
export function createStorage(config: MediaConfig): ObjectStorage {
  return createS3Storage({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE === 'true',
    publicBaseUrl: config.S3_PUBLIC_BASE_URL,
    publicEndpoint: config.S3_PUBLIC_ENDPOINT,
  });
}

export function createRuntime(config: MediaConfig, overrides: RuntimeOverrides = {}, log?: Logger): MediaRuntime {
  const db = overrides.db ?? createDb(config.DATABASE_URL);
  const storage = overrides.storage ?? createStorage(config);
  const pubsub = createPubSub(config.REDIS_URL, config.REDIS_PREFIX, log);
  const redis = config.REDIS_URL
    ? connectRedis({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, role: 'command', log, name: 'media' })
    : undefined;
  return {
    config,
    db,
    storage,
    pubsub,
    loops: new LoopStore(db, pubsub.pubsub, log),
    redis,
    maxPartBytes: (kind) => maxPartBytes(config, kind),
    async close() {
      await pubsub.close();
      redis?.client.disconnect();
      if (!overrides.storage) storage.destroy();
      if (!overrides.db) await db.$disconnect();
    },
  };
}

export const workerOptions = (config: MediaConfig): WorkerOptions => ({
  concurrency: config.WORKER_CONCURRENCY,
  attempts: config.WORKER_ATTEMPTS,
  timeoutMs: config.WORKER_JOB_TIMEOUT_MS,
  lockMs: config.WORKER_LOCK_MS,
});

export function encodeDeps(rt: MediaRuntime, log: Logger) {
  return { db: rt.db, storage: rt.storage, loops: rt.loops, log, maxPartBytes: rt.maxPartBytes };
}

/** The queue createLoop enqueues on: BullMQ, or in process (encoding right here) when embedded. */
export function createQueue(rt: MediaRuntime, log: Logger): LoopQueue {
  if (rt.config.REDIS_URL) return createBullQueue(rt.config.REDIS_URL, rt.config.REDIS_PREFIX, rt.config.WORKER_ATTEMPTS, log);
  const deps = encodeDeps(rt, log);
  return createMemoryQueue(encodeJobHandler(deps), finalFailureHandler(deps), workerOptions(rt.config));
}
