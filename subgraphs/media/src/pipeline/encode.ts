/**
 * The full (queued) encode: uploaded buffers in, the four renditions out. No storage, DB or
 * queue here; the worker wires those around it.
 *
 * Order of work is chosen so each expensive step runs once per *input* frame (decode, effect,
 * resize), and only cheap references are repeated by the playback sequence.
 */
import { encodeMp4, rawRgbToPpm } from '../ffmpeg.ts';
import { applyEffect, dailyTheme, type DailyTheme } from './effects.ts';
import { checkFps, loadFrames } from './inputs.ts';
import { sequence } from './modes.ts';
import { normalizeFrames } from './normalize.ts';
import { animation, fromRaw, resizeRaw } from './raw.ts';
import type { Effect, LoopMode, RawFrame, UploadKind } from './types.ts';

/** MP4 and WebP playback size (px, square). */
export const VIDEO_SIZE = 720;
/** GIF is the camera-roll export: palette formats get big fast, so keep it small. */
export const GIF_MAX_SIZE = 480;

export interface EncodeLoopOptions {
  mode?: LoopMode;        // default BOUNCE
  effect?: Effect;        // default NONE
  fps?: number;           // 2–30, default 10
  kind?: UploadKind;      // default FRAMES
  /** Picks the DAILY theme; default now. Pass the loop's creation time so retries match. */
  day?: Date;
  signal?: AbortSignal;
  /** Cap of the processed (poster) size, default 1080. */
  maxSize?: number;
  /** Passed to x264; limit to 1 when running several encodes on few cores. */
  ffmpegThreads?: number;
  /** Kill ffmpeg steps that run longer than this. */
  ffmpegTimeoutMs?: number;
}

export interface Rendition { width: number; height: number; bytes: number }

export interface EncodedLoop {
  mp4: Buffer;
  webp: Buffer;
  gif: Buffer;
  poster: Buffer;
  /** Playback size (MP4/WebP). Every rendition is square; see `sizes` for each one. */
  width: number;
  height: number;
  /** Frames in the played sequence (BOUNCE: 2n−2). */
  frameCount: number;
  durationMs: number;
  sizes: { mp4: Rendition; webp: Rendition; gif: Rendition; poster: Rendition };
  /** Set when effect is DAILY: the theme that was applied. */
  theme?: DailyTheme;
}

const frameDelayMs = (fps: number) => Math.round(1000 / fps);
const rendition = (side: number, buf: Buffer): Rendition => ({ width: side, height: side, bytes: buf.length });

export async function encodeLoop(inputs: Buffer[], opts: EncodeLoopOptions = {}): Promise<EncodedLoop> {
  const { mode = 'BOUNCE', effect = 'NONE', kind = 'FRAMES', day = new Date(), signal } = opts;
  const fps = checkFps(opts.fps);
  signal?.throwIfAborted();

  const encoded = await loadFrames(inputs, { kind, fps, signal, maxSize: opts.maxSize ?? 1080 });
  signal?.throwIfAborted();
  const normal = await normalizeFrames(encoded, opts.maxSize ? { maxSize: opts.maxSize } : {});
  signal?.throwIfAborted();
  const looked = await Promise.all(normal.map((f, i) => applyEffect(f, effect, day, i)));
  signal?.throwIfAborted();

  const full = looked[0]!.width;
  const videoSide = 2 * Math.floor(Math.min(VIDEO_SIZE, full) / 2); // H.264 4:2:0 needs even sides
  const gifSide = Math.min(GIF_MAX_SIZE, full);
  const [video, gifFrames] = await Promise.all([
    Promise.all(looked.map((f) => resizeRaw(f, videoSide))),
    Promise.all(looked.map((f) => resizeRaw(f, gifSide))),
  ]);
  signal?.throwIfAborted();

  const played = <T>(frames: T[]) => sequence(frames, mode);
  const frameCount = played(looked).length;
  const delay = Array<number>(frameCount).fill(frameDelayMs(fps));
  // One PPM per input frame; the sequence repeats the same Buffer, which encodeMp4 hard-links.
  const ppm = video.map((f: RawFrame) => rawRgbToPpm(f.data, f.width, f.height));

  // ffmpeg is a child process: it runs while sharp (libuv pool) makes the other three.
  const [mp4, webp, gif, poster] = await Promise.all([
    encodeMp4(played(ppm), {
      fps,
      ...(opts.ffmpegThreads ? { threads: opts.ffmpegThreads } : {}),
      ...(signal ? { signal } : {}),
      ...(opts.ffmpegTimeoutMs ? { timeoutMs: opts.ffmpegTimeoutMs } : {}),
    }),
    // effort 2: on grainy frames (SOLO, Nightmare) effort ≥ 3 is ~4× slower for ~3% smaller files.
    animation(played(video)).webp({ loop: 0, delay, quality: 80, effort: 2 }).toBuffer(),
    // keepDuplicateFrames: otherwise identical neighbours are merged and the GIF no longer
    // has one page (and one delay) per played frame.
    // effort 3: measured faster *and* smaller than the default 7 on these frames.
    animation(played(gifFrames)).gif({ loop: 0, delay, keepDuplicateFrames: true, effort: 3 }).toBuffer(),
    fromRaw(played(looked)[0]!).jpeg({ quality: 88 }).toBuffer(),
  ]);

  return {
    mp4, webp, gif, poster,
    width: videoSide,
    height: videoSide,
    frameCount,
    durationMs: Math.round((frameCount * 1000) / fps),
    sizes: {
      mp4: rendition(videoSide, mp4),
      webp: rendition(videoSide, webp),
      gif: rendition(gifSide, gif),
      poster: rendition(full, poster),
    },
    ...(effect === 'DAILY' ? { theme: dailyTheme(day) } : {}),
  };
}
