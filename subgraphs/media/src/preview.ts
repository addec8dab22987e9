// previewLoop: the pipeline at 240 px on ≤ 8 frames, in the request, rate-limited per user
// (Redis-backed when Redis is configured, so the limit holds across replicas; counted in this
// process's memory while Redis is unreachable). A preview past its deadline (a busy server, a
// heavy clip) is stopped and answered SERVICE_UNAVAILABLE: retrying later may work.
import { gqlError, serviceUnavailable } from '@fffoto/shared/errors';
import { createRateLimit } from '@fffoto/shared/rate-limit';
import type { RedisConnection } from '@fffoto/shared/redis';
import { isMediaInputError, PREVIEW_MAX_FRAMES, previewLoop } from './pipeline/index.ts';
import type { LoopInput, MediaService } from './media-service.ts';

const PREVIEW_RETRY_SECONDS = 10;

export interface Previewer {
  preview(ownerId: string, input: LoopInput): Promise<string>;
}

export function createPreviewer(media: MediaService, opts: { perMinute: number; timeoutMs?: number; redis?: RedisConnection }): Previewer {
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
      const signal = AbortSignal.timeout(opts.timeoutMs ?? 15_000);
      try {
        return await previewLoop(buffers, { kind, fps, mode, effect, signal });
      } catch (err) {
        if (isMediaInputError(err)) throw gqlError('BAD_USER_INPUT', err.message, { field: 'uploadId' });
        // Whatever the aborted step threw (the signal's TimeoutError, a killed ffmpeg, ...).
        if (signal.aborted) throw serviceUnavailable('Previewing', PREVIEW_RETRY_SECONDS);
        throw err;
      }
    },
  };
}
