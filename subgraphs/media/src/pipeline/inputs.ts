/** Input rules shared by the full encode and the preview, so both reject the same uploads. */
import { extractFrames, FfmpegInputError } from '../ffmpeg.ts';
import { MediaInputError } from './errors.ts';
import type { UploadKind } from './types.ts';

export const MIN_FPS = 2;
export const MAX_FPS = 30;
export const DEFAULT_FPS = 10;
/** A burst is 5 frames (PHHHOTO), up to 10 (Boomerang); leave room, but bound the work. */
export const MIN_FRAMES = 2;
export const MAX_FRAMES = 20;
/** Frames taken from an uploaded clip, spread over it. */
export const MAX_FRAMES_FROM_VIDEO = 10;
export const MAX_CLIP_SECONDS = 5;

export function checkFps(fps: number | undefined): number {
  const value = fps ?? DEFAULT_FPS;
  if (!Number.isFinite(value) || value < MIN_FPS || value > MAX_FPS) {
    throw new MediaInputError(`fps must be between ${MIN_FPS} and ${MAX_FPS} (got ${String(fps)})`);
  }
  return value;
}

export interface LoadOptions {
  kind: UploadKind;
  fps: number;
  signal?: AbortSignal | undefined;
  /** For VIDEO: how many frames to take from the clip. */
  maxFrames?: number;
  /** For VIDEO: cap the extracted frames' shorter side (saves decoding work later). */
  maxSize?: number;
}

/** Returns encoded image buffers (the uploaded frames, or PNGs cut from the clip). */
export async function loadFrames(inputs: Buffer[], opts: LoadOptions): Promise<Buffer[]> {
  if (opts.kind === 'VIDEO') {
    if (inputs.length !== 1) throw new MediaInputError(`a VIDEO upload is one clip (got ${inputs.length} files)`);
    const frames = await extractFrames(inputs[0]!, {
      maxFrames: opts.maxFrames ?? MAX_FRAMES_FROM_VIDEO,
      maxDurationSec: MAX_CLIP_SECONDS,
      fps: opts.fps,
      ...(opts.maxSize ? { maxSize: opts.maxSize } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    }).catch((err: unknown) => {
      // ffmpeg.ts knows nothing of the pipeline; its input refusals become ours here.
      throw err instanceof FfmpegInputError ? new MediaInputError(err.message, { cause: err }) : err;
    });
    if (frames.length < MIN_FRAMES) throw new MediaInputError('the clip is too short to make a loop (fewer than 2 frames)');
    return frames;
  }
  if (opts.kind !== 'FRAMES') throw new MediaInputError(`unknown upload kind ${String(opts.kind)}`);
  if (inputs.length < MIN_FRAMES || inputs.length > MAX_FRAMES) {
    throw new MediaInputError(`a loop needs ${MIN_FRAMES} to ${MAX_FRAMES} frames (got ${inputs.length})`);
  }
  return inputs;
}
