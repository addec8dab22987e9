// previewLoop: the pipeline at 240 px on ≤ 8 frames, in the request, rate-limited per user
// (Redis-backed when Redis is configured, so the limit holds across replicas).
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { gqlError } from '@fffoto/shared/errors';
import { isMediaInputError, PREVIEW_MAX_FRAMES, previewLoop } from './pipeline/index.ts';
import type { LoopInput, MediaService } from './media-service.ts';

export interface Previewer {
  preview(ownerId: string, input: LoopInput): Promise<string>;
}

export function createPreviewer(media: MediaService, opts: { perMinute: number; redis?: Redis; prefix: string }): Previewer {
  const limiter: RateLimiterAbstract = opts.redis
    ? new RateLimiterRedis({ storeClient: opts.redis, keyPrefix: `${opts.prefix}preview`, points: opts.perMinute, duration: 60 })
    : new RateLimiterMemory({ points: opts.perMinute, duration: 60 });
  return {
    async preview(ownerId, input) {
      try {
        await limiter.consume(ownerId);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        throw gqlError('RATE_LIMITED', `Too many previews; try again in ${Math.ceil(err.msBeforeNext / 1000)} s.`, {
          retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000),
        });
      }
      const { kind, buffers, fps, mode, effect } = await media.previewInputs(ownerId, input, PREVIEW_MAX_FRAMES);
      try {
        return await previewLoop(buffers, { kind, fps, mode, effect, signal: AbortSignal.timeout(15_000) });
      } catch (err) {
        if (isMediaInputError(err)) throw gqlError('BAD_USER_INPUT', err.message, { field: 'uploadId' });
        throw err;
      }
    },
  };
}
