// Builds and starts the media subgraph (main.ts, the embedded start and tests use this).
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createTokenVerifier } from '@fffoto/shared/auth';
import { openRevocations } from '@fffoto/shared/revocation';
import { startAccountCleanup } from './account-cleanup.ts';
import { createLogger } from '@fffoto/shared/logger';
import { startSubgraph, type ServiceHandle } from '@fffoto/shared/server';
import type { MediaConfig } from './config.ts';
import { createContext } from './context.ts';
import { MediaService } from './media-service.ts';
import { createPreviewer } from './preview.ts';
import { startPeriodic } from './periodic.ts';
import { requeueLostLoops } from './reconciler.ts';
import { sweepAbandonedUploads, sweepDuePurges } from './sweeper.ts';
import { createRateLimit } from '@fffoto/shared/rate-limit';
import { resolvers } from './resolvers.ts';
import { createQueue, createRuntime, type RuntimeOverrides } from './runtime.ts';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export async function startMedia(config: MediaConfig, overrides: RuntimeOverrides = {}): Promise<ServiceHandle> {
  const log = createLogger('media', config.LOG_LEVEL);
  const rt = createRuntime(config, overrides, log);
  await rt.storage.ensureBucket(config.CORS_ORIGINS.split(',').map((o) => o.trim()));
  const queue = createQueue(rt, log);
  const media = new MediaService(rt.db, rt.storage, queue, rt.loops, {
    maxPartBytes: rt.maxPartBytes,
    uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
    uploadLifetimeSeconds: config.UPLOAD_LIFETIME_SECONDS,
    requirePartSizes: config.UPLOAD_REQUIRE_PART_SIZES === 'true',
    uploadRequests: createRateLimit({
      name: 'request-upload',
      points: config.UPLOAD_REQUESTS_PER_WINDOW,
      durationSeconds: config.UPLOAD_REQUEST_WINDOW_SECONDS,
      redis: rt.redis,
      message: (s) => `Too many uploads requested; try again in ${s} s.`,
    }),
  });
  if (!config.REDIS_URL) {
    // Embedded mode: the queue lives in this process, so it must pick up what a restart dropped.
    const requeued = await media.requeueUnfinished();
    if (requeued) log.info({ requeued }, 'requeued unfinished loops');
  }
  const previewer = createPreviewer(media, { perMinute: config.PREVIEW_PER_MINUTE, timeoutMs: config.PREVIEW_TIMEOUT_MS, redis: rt.redis });
  const sweeper = startPeriodic('upload-sweeper', config.UPLOAD_SWEEP_INTERVAL_SECONDS * 1000, async () => {
    await sweepAbandonedUploads(rt.db, rt.storage, { lifetimeSeconds: config.UPLOAD_LIFETIME_SECONDS }, log);
    await sweepDuePurges(rt.db, rt.storage, {}, log);
  }, log);
  // With Redis, jobs can be lost (restart, outage during createLoop): look for them periodically.
  const reconciler = config.REDIS_URL
    ? startPeriodic('loop-reconciler', config.RECONCILE_INTERVAL_SECONDS * 1000, () =>
        requeueLostLoops(rt.db, queue, { afterSeconds: config.RECONCILE_AFTER_SECONDS }, log), log)
    : undefined;
  const revocations = openRevocations({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  const cleanup = startAccountCleanup({
    db: rt.db,
    storage: rt.storage,
    log,
    uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
  });
  return startSubgraph({
    name: 'media',
    typeDefs,
    resolvers,
    port: config.MEDIA_PORT,
    log,
    verifier: createTokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, jwks: config.JWKS_URL, revocations }),
    context: (base) => createContext(base, { media, storage: rt.storage, previewer }),
    ready: async () => {
      await rt.db.$queryRaw`SELECT 1`;
      await rt.redis?.client.ping();
    },
    onStop: async () => {
      await sweeper.stop();
      await reconciler?.stop();
      await cleanup.stop();
      await revocations.close();
      await queue.close();
      await rt.close();
    },
  });
}
