// previewLoop: the pipeline at 240 px on ≤ 8 frames, in the request, rate-limited per user
// (Redis-backed when Redis is configured, so the limit holds across replicas; counted in this
// process's memory while Redis is unreachable).
import { gqlError } from '@fffoto/shared/errors';
import { createRateLimit } from '@fffoto/shared/rate-limit';
import type { RedisConnection } from '@fffoto/shared/redis';
import { isMediaInputError, PREVIEW_MAX_FRAMES, previewLoop } from './pipeline/index.ts';
import type { LoopInput, MediaService } from './media-service.ts';

export interface Previewer {
  preview(ownerId: string, input: LoopInput): Promise<string>;
}

export function createPreviewer(media: MediaService, opts: { perMinute: number; redis?: RedisConnection }): Previewer {
  const limiter = createRateLimit({
    name: 'preview',
    points: opts.perMinute,
    durationSeconds: 60,
    redis: opts.redis,
    message: (s) => `Too many previews; try again in ${s} s.`,
  });
  return {
    async preview(ownerId, input) {
      await limiter.consume(ownerId);
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
