/**
 * The fast preview for "live editing" (request/response path): a small animated WebP as a
 * data: URL. No ffmpeg for FRAMES uploads and at most 8 played frames at 240 px, so it stays
 * well under a second; the look matches the full encode (same recipes and grain seeds).
 */
import { applyEffect } from './effects.ts';
import { MediaInputError } from './errors.ts';
import { checkFps, loadFrames } from './inputs.ts';
import { sequence } from './modes.ts';
import { describeContent, normalizeFrames, sniffFormat } from './normalize.ts';
import { animation } from './raw.ts';
import type { Effect, LoopMode, UploadKind } from './types.ts';

export const PREVIEW_SIZE = 240;
export const PREVIEW_MAX_FRAMES = 8;

export interface PreviewOptions {
  mode?: LoopMode;     // default BOUNCE
  effect?: Effect;     // default NONE
  fps?: number;        // default 10
  /** VIDEO needs ffmpeg to cut frames from the clip (the only case that spawns a process). */
  kind?: UploadKind;   // default FRAMES
  day?: Date;
  signal?: AbortSignal;
}

/** Evenly spread picks, always keeping the first and last frame so the motion's range shows. */
function pick<T>(items: T[], count: number): { item: T; index: number }[] {
  if (items.length <= count) return items.map((item, index) => ({ item, index }));
  return Array.from({ length: count }, (_, k) => {
    const index = Math.round((k * (items.length - 1)) / (count - 1));
    return { item: items[index]!, index };
  });
}

export async function previewLoop(inputs: Buffer[], opts: PreviewOptions = {}): Promise<string> {
  const { mode = 'BOUNCE', effect = 'NONE', kind = 'FRAMES', day = new Date(), signal } = opts;
  const fps = checkFps(opts.fps);
  // BOUNCE plays 2n−2 frames, so 5 inputs fill the 8-frame budget.
  const inputBudget = mode === 'BOUNCE' ? Math.floor(PREVIEW_MAX_FRAMES / 2) + 1 : PREVIEW_MAX_FRAMES;
  const encoded = await loadFrames(inputs, { kind, fps, signal, maxFrames: inputBudget, maxSize: PREVIEW_SIZE });
  // Frames skipped by the sampling still get the cheap magic-byte check, so the preview
  // rejects the same uploads the full encode would.
  encoded.forEach((buf, i) => {
    if (!sniffFormat(buf)) throw new MediaInputError(`frame ${i + 1} is not a decodable image (got ${describeContent(buf)}); use JPEG, PNG or WebP`, { frameIndex: i });
  });
  const chosen = pick(encoded, inputBudget);
  const normal = await normalizeFrames(chosen.map((c) => c.item), { maxSize: PREVIEW_SIZE });
  signal?.throwIfAborted();
  // Grain is seeded by the original frame index, matching the full encode's frames.
  const looked = await Promise.all(normal.map((f, k) => applyEffect(f, effect, day, chosen[k]!.index)));
  const played = sequence(looked, mode);
  const webp = await animation(played)
    .webp({ loop: 0, delay: Array<number>(played.length).fill(Math.round(1000 / fps)), quality: 70, effort: 2 })
    .toBuffer();
  return `data:image/webp;base64,${webp.toString('base64')}`;
}
