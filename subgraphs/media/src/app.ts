// Builds and starts the media subgraph (main.ts, the embedded start and tests use this).
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createTokenVerifier } from '@fffoto/shared/auth';
import { createLogger } from '@fffoto/shared/logger';
import { startSubgraph, type ServiceHandle } from '@fffoto/shared/server';
import type { MediaConfig } from './config.ts';
import { createContext } from './context.ts';
import { MediaService } from './media-service.ts';
import { createPreviewer } from './preview.ts';
import { resolvers } from './resolvers.ts';
import { createQueue, createRuntime, type RuntimeOverrides } from './runtime.ts';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export async function startMedia(config: MediaConfig, overrides: RuntimeOverrides = {}): Promise<ServiceHandle> {
  const log = createLogger('media', config.LOG_LEVEL);
  const rt = createRuntime(config, overrides);
  await rt.storage.ensureBucket(config.CORS_ORIGINS.split(',').map((o) => o.trim()));
  const queue = createQueue(rt, log);
  const media = new MediaService(rt.db, rt.storage, queue, rt.loops, {
    maxPartBytes: rt.maxPartBytes,
    uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
  });
  if (!config.REDIS_URL) {
    // Embedded mode: the queue lives in this process, so it must pick up what a restart dropped.
    const requeued = await media.requeueUnfinished();
    if (requeued) log.info({ requeued }, 'requeued unfinished loops');
  }
  const previewer = createPreviewer(media, { perMinute: config.PREVIEW_PER_MINUTE, redis: rt.redis, prefix: config.REDIS_PREFIX });
  return startSubgraph({
    name: 'media',
    typeDefs,
    resolvers,
    port: config.MEDIA_PORT,
    log,
    verifier: createTokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, jwks: config.JWKS_URL }),
    context: (base) => createContext(base, { media, storage: rt.storage, previewer }),
    ready: async () => {
      await rt.db.$queryRaw`SELECT 1`;
      await rt.redis?.ping();
    },
    onStop: async () => {
      await queue.close();
      await rt.close();
    },
  });
}
