// One encode: read the parts, run the pipeline, write the four outputs, mark the loop READY.
// Outputs go to fixed keys under the loop's prefix, so a retried job overwrites rather than
// adds, and READY is set only after every output is written. Bad input fails at once, with a
// reason; anything else is retried by the queue, and on the last failure the loop is FAILED
// with its partial outputs removed.
import type { Db } from '@fffoto/shared/db';
import type { Logger } from '@fffoto/shared/logger';
import { encodeLoop, isMediaInputError } from './pipeline/index.ts';
import { loopPrefix, mb, outputKeys, partKey } from './limits.ts';
import type { LoopStore } from './loop-store.ts';
import { UnrecoverableError, type JobInfo } from './queue.ts';
import { ObjectNotFoundError, ObjectTooLargeError, type ObjectStorage } from './storage.ts';

export interface EncodeDeps {
  db: Db;
  storage: ObjectStorage;
  loops: LoopStore;
  log: Logger;
  maxPartBytes: (kind: 'FRAMES' | 'VIDEO') => number;
  ffmpegThreads?: number;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function encodeJobHandler(deps: EncodeDeps) {
  return async function encodeJob(job: JobInfo): Promise<void> {
    const { loopId } = job;
    const log = deps.log.child({ loopId, attempt: job.attempt });
    const loop = await deps.db.loop.findUnique({ where: { id: loopId }, include: { upload: true } });
    if (!loop) throw new UnrecoverableError(`loop ${loopId} does not exist`);
    if (!(await deps.loops.markProcessing(loopId))) {
      if (await removeIfDeleted(deps, loopId)) return;
      log.info({ status: loop.status }, 'loop already finished; nothing to do');
      return;
    }
    const { upload } = loop;
    try {
      const limit = deps.maxPartBytes(upload.kind);
      const inputs = await Promise.all(
        Array.from({ length: upload.partCount }, async (_, i) => {
          const key = partKey(upload.ownerId, upload.id, i);
          try {
            return await deps.storage.get(key, limit);
          } catch (err) {
            if (err instanceof ObjectNotFoundError) throw new PartError(`Part ${i} of the upload is missing.`);
            // Replaced by a bigger object after createLoop checked it: refused, never decoded.
            if (err instanceof ObjectTooLargeError) throw new PartError(`Part ${i} is larger than the ${mb(limit)} limit.`);
            throw err;
          }
        }),
      );
      const started = Date.now();
      const out = await encodeLoop(inputs, {
        mode: loop.mode,
        effect: loop.effect,
        fps: loop.fps,
        kind: upload.kind,
        day: loop.effectDay,
        signal: job.signal,
        ffmpegThreads: deps.ffmpegThreads,
      });
      const keys = outputKeys(loopId);
      // allSettled, not all: on a failure every put must have finished before the cleanup
      // lists the prefix, or a slower put lands after it and is left behind.
      const puts = await Promise.allSettled([
        deps.storage.put(keys.mp4, out.mp4, 'video/mp4', IMMUTABLE),
        deps.storage.put(keys.webp, out.webp, 'image/webp', IMMUTABLE),
        deps.storage.put(keys.gif, out.gif, 'image/gif', IMMUTABLE),
        deps.storage.put(keys.poster, out.poster, 'image/jpeg', IMMUTABLE),
      ]);
      const refused = puts.find((p) => p.status === 'rejected');
      if (refused) throw refused.reason;
      const ready = await deps.loops.markReady(loopId, {
        frameCount: out.frameCount,
        width: out.width,
        height: out.height,
        durationMs: out.durationMs,
        mp4Bytes: out.mp4.length,
        webpBytes: out.webp.length,
        gifBytes: out.gif.length,
        posterBytes: out.poster.length,
      });
      // No row any more: its owner was deleted while this encoded. The account cleanup has
      // already deleted the prefix, so what was just written is ours to remove.
      if (!ready) await removeIfDeleted(deps, loopId);
      log.info({ ms: Date.now() - started, frames: out.frameCount, ready: Boolean(ready) }, 'loop encoded');
    } catch (err) {
      if (err instanceof PartError || isMediaInputError(err)) {
        await failLoop(deps, loopId, (err as Error).message);
        throw new UnrecoverableError((err as Error).message);
      }
      // The last attempt fails the loop here, not only in the queue's `failed` event, so a
      // process dying in between cannot leave the loop PROCESSING.
      if (job.attempt >= job.attempts) await failLoop(deps, loopId, failureReason(err as Error));
      else log.warn({ err }, 'encode attempt failed; the queue will retry');
      throw err;
    }
  };
}

/** Bad input, in words for the person who uploaded it. */
class PartError extends Error {}

/**
 * Terminal failure. The status moves first and outputs are removed only if it did: a loop
 * another worker already finished (after this one lost its lock) keeps its outputs.
 */
export async function failLoop(deps: Pick<EncodeDeps, 'storage' | 'loops' | 'log'>, loopId: string, reason: string) {
  const failed = await deps.loops.markFailed(loopId, reason);
  if (!failed) {
    await removeIfDeleted(deps, loopId); // partial outputs of a loop deleted meanwhile
    return;
  }
  await deps.storage.deletePrefix(loopPrefix(loopId));
  deps.log.warn({ loopId, reason }, 'loop failed');
}

/** Deletes the outputs of a loop whose row is gone (account deleted mid-encode); true if it was. */
async function removeIfDeleted(deps: Pick<EncodeDeps, 'storage' | 'loops' | 'log'>, loopId: string): Promise<boolean> {
  if (await deps.loops.get(loopId)) return false;
  await deps.storage.deletePrefix(loopPrefix(loopId));
  deps.log.info({ loopId }, 'loop deleted while encoding; removed its outputs');
  return true;
}

function failureReason(err: Error): string {
  if (/stalled/i.test(err.message)) return 'Encoding was interrupted too many times.'; // BullMQ's wording
  if (err.name === 'UnrecoverableError' || isMediaInputError(err)) return err.message;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'Encoding took too long and was stopped.';
  return `Encoding failed: ${err.message}`;
}

/** Called when the queue gives up on a job (also after stalls): the reason says what a person can act on. */
export function finalFailureHandler(deps: Pick<EncodeDeps, 'storage' | 'loops' | 'log'>) {
  return async (loopId: string, err: Error) => {
    try {
      await failLoop(deps, loopId, failureReason(err));
    } catch (failure) {
      deps.log.error({ err: failure, loopId }, 'could not mark the loop FAILED');
    }
  };
}
