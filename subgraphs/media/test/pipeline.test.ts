// Real sharp and real ffmpeg/ffprobe throughout: the point is to catch what the binaries
// actually produce (frame counts, pixel formats, loop flags), which mocks cannot.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaries, encodeMp4, extractFrames, probe } from '../src/ffmpeg.ts';
import {
  applyEffect, dailyTheme, DAILY_THEMES, encodeLoop, MediaInputError, meanLuma, normalizeFrames, previewLoop,
  type RawFrame,
} from '../src/pipeline/index.ts';
import { makeJpegFrames, makeOrientation6Jpeg, mp4BoxOffset } from './support/frames.ts';

let big: Buffer[];   // 5 × 1440×1080 JPEG: the real-size burst
let small: Buffer[]; // 5 × 400×300 JPEG: for tests about counts, not sizes
let smallRaw: RawFrame[];

beforeAll(async () => {
  [big, small] = await Promise.all([makeJpegFrames(5), makeJpegFrames(5, 400, 300)]);
  smallRaw = await normalizeFrames(small);
});

const pixel = (f: RawFrame, x: number, y: number) => {
  const o = (y * f.width + x) * 3;
  return [f.data[o]!, f.data[o + 1]!, f.data[o + 2]!] as const;
};
const differingBytes = (a: Buffer, b: Buffer) => {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n / a.length;
};
async function rejection(p: Promise<unknown>): Promise<Error> {
  try { await p; } catch (err) { return err as Error; }
  throw new Error('expected a rejection');
}
/** Runs fn with os.tmpdir() pointed at a private dir (so other test files' encodes don't count) and returns what is left in it. */
async function leftoversAfter(fn: () => Promise<void>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pipeline-test-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    await fn();
    return await readdir(dir);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
    await rm(dir, { recursive: true, force: true });
  }
}

describe('normalize', () => {
  it('makes identical centre-cropped squares capped at the max size', async () => {
    const frames = await normalizeFrames(big);
    for (const f of frames) expect([f.width, f.height, f.data.length]).toEqual([1080, 1080, 1080 * 1080 * 3]);
    const capped = await normalizeFrames(big.slice(0, 2), { maxSize: 500 });
    expect(capped[0]!.width).toBe(500);
    expect(smallRaw[0]!.width).toBe(300); // never upscaled
  });

  it('honours EXIF orientation 6 (stored top → displayed right)', async () => {
    const [f] = await normalizeFrames([await makeOrientation6Jpeg()]);
    const s = f!.width;
    const right = pixel(f!, Math.round(s * 0.85), Math.round(s / 2));
    const left = pixel(f!, Math.round(s * 0.15), Math.round(s / 2));
    expect(right[0]).toBeGreaterThan(200); // red
    expect(right[2]).toBeLessThan(60);
    expect(left[2]).toBeGreaterThan(200); // blue
    expect(left[0]).toBeLessThan(60);
  });

  it('rejects a text file behind a frame with a readable MediaInputError', async () => {
    const inputs = [small[0]!, small[1]!, Buffer.from('hello, this is not a photo\n')];
    const err = await rejection(normalizeFrames(inputs));
    expect(err).toBeInstanceOf(MediaInputError);
    expect(err.message).toMatch(/^frame 3 is not a decodable image \(got text\)/);
    expect((err as MediaInputError).frameIndex).toBe(2);
    expect((err as MediaInputError).code).toBe('BAD_USER_INPUT');
  });

  it('rejects SVG, GIF and truncated JPEG, even though sharp could read some of them', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"/>');
    expect((await rejection(normalizeFrames([svg]))).message).toMatch(/frame 1 .*got text/);
    const gif = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#888' } }).gif().toBuffer();
    expect((await rejection(normalizeFrames([small[0]!, gif]))).message).toMatch(/frame 2 .*got a GIF image/);
    const truncated = small[0]!.subarray(0, Math.floor(small[0]!.length / 2));
    const err = await rejection(normalizeFrames([truncated]));
    expect(err).toBeInstanceOf(MediaInputError);
    expect(err.message).toBe('frame 1 is a damaged JPEG image');
  });

  it('accepts PNG and WebP', async () => {
    const png = await sharp(small[0]!).png().toBuffer();
    const webp = await sharp(small[1]!).webp().toBuffer();
    const out = await normalizeFrames([png, webp]);
    expect(out.map((f) => f.width)).toEqual([300, 300]);
  });
});

describe('effects', () => {
  it('SOLO is exactly grey (R=G=B on every pixel) and its grain is reproducible', async () => {
    const a = await applyEffect(smallRaw[0]!, 'SOLO', new Date(), 0);
    for (let i = 0; i < a.data.length; i += 3) {
      if (a.data[i] !== a.data[i + 1] || a.data[i] !== a.data[i + 2]) throw new Error(`pixel ${i / 3} is not grey`);
    }
    const again = await applyEffect(smallRaw[0]!, 'SOLO', new Date(), 0);
    expect(again.data.equals(a.data)).toBe(true);
    const otherSeed = await applyEffect(smallRaw[0]!, 'SOLO', new Date(), 1);
    expect(otherSeed.data.equals(a.data)).toBe(false);
  });

  it('DAZE raises mean luminance', async () => {
    for (const f of smallRaw) {
      const out = await applyEffect(f, 'DAZE', new Date());
      expect(meanLuma(out)).toBeGreaterThan(meanLuma(f) + 5);
    }
  });

  it('DAILY rotates by UTC day, is stable within a day and looks different per theme', async () => {
    const base = Date.UTC(2025, 5, 1);
    const days = [0, 1, 2, 3].map((d) => new Date(base + d * 86_400_000));
    expect(new Set(days.map((d) => dailyTheme(d).id)).size).toBe(4);
    expect(DAILY_THEMES.map((t) => t.name)).toEqual(expect.arrayContaining(['Ice Cream', 'Autumn', 'Nightmare', 'Shapes']));
    // Same UTC day at different hours → same theme and identical bytes.
    const morning = new Date(base + 1 * 3600_000);
    const night = new Date(base + 23 * 3600_000);
    expect(dailyTheme(morning)).toEqual(dailyTheme(night));
    const f = smallRaw[2]!;
    const m = await applyEffect(f, 'DAILY', morning, 2);
    expect((await applyEffect(f, 'DAILY', night, 2)).data.equals(m.data)).toBe(true);
    // Each theme is visibly different from the input and from every other theme.
    const outs = await Promise.all(days.map((d) => applyEffect(f, 'DAILY', d, 2)));
    for (const o of outs) expect(differingBytes(o.data, f.data)).toBeGreaterThan(0.5);
    for (let i = 0; i < outs.length; i++) {
      for (let j = i + 1; j < outs.length; j++) expect(differingBytes(outs[i]!.data, outs[j]!.data)).toBeGreaterThan(0.5);
    }
  });

  it('NONE is the identity', async () => {
    expect(await applyEffect(smallRaw[0]!, 'NONE', new Date())).toBe(smallRaw[0]);
  });
});

describe('encodeLoop', () => {
  it('BOUNCE of 5 full-size frames → 8-frame MP4/WebP/GIF and a full-size poster', async () => {
    const fps = 10;
    const out = await encodeLoop(big, { mode: 'BOUNCE', effect: 'DAZE', fps, kind: 'FRAMES' });
    expect(out.frameCount).toBe(8);
    expect(out.durationMs).toBe(800);
    expect([out.width, out.height]).toEqual([720, 720]);

    const mp4 = await probe(out.mp4);
    expect(mp4).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 720, height: 720, frames: 8 });
    expect(mp4.durationSec).toBeCloseTo(8 / fps, 2);
    expect(mp4.fps).toBeCloseTo(fps, 5);
    expect(mp4BoxOffset(out.mp4, 'moov')).toBeGreaterThanOrEqual(0);
    expect(mp4BoxOffset(out.mp4, 'moov')).toBeLessThan(mp4BoxOffset(out.mp4, 'mdat')); // faststart

    const webp = await sharp(out.webp).metadata();
    expect(webp).toMatchObject({ format: 'webp', pages: 8, loop: 0, width: 720 });
    expect(webp.delay).toEqual(Array(8).fill(100));

    const gif = await sharp(out.gif).metadata();
    expect(gif).toMatchObject({ format: 'gif', pages: 8, loop: 0 });
    expect(gif.width).toBeLessThanOrEqual(480);
    expect(gif.delay).toEqual(Array(8).fill(100));

    const poster = await sharp(out.poster).metadata();
    expect(poster).toMatchObject({ format: 'jpeg', width: 1080, height: 1080 });
    expect(out.sizes.poster).toEqual({ width: 1080, height: 1080, bytes: out.poster.length });
    expect(out.sizes.gif.width).toBe(480);
  });

  it('FORWARD and REVERSE keep the frame count; duration follows fps', async () => {
    const fwd = await encodeLoop(small, { mode: 'FORWARD', fps: 4 });
    expect(fwd.frameCount).toBe(5);
    expect(fwd.durationMs).toBe(1250);
    const info = await probe(fwd.mp4);
    expect(info.frames).toBe(5);
    expect(info.durationSec).toBeCloseTo(1.25, 2);
    expect([info.width, info.height]).toEqual([300, 300]); // small input: not upscaled, still even

    const rev = await encodeLoop(small, { mode: 'REVERSE', effect: 'SOLO', fps: 25 });
    expect(rev.frameCount).toBe(5);
    expect((await sharp(rev.webp).metadata()).pages).toBe(5);
    expect((await sharp(rev.gif).metadata()).pages).toBe(5);
    expect((await probe(rev.mp4)).frames).toBe(5);
  });

  it('DAILY reports the theme it applied', async () => {
    const day = new Date(Date.UTC(2025, 0, 1));
    const out = await encodeLoop(small.slice(0, 2), { effect: 'DAILY', day });
    expect(out.theme).toEqual(dailyTheme(day));
  });

  it('refuses bad fps and bad frame counts as user errors', async () => {
    await expect(encodeLoop(small, { fps: 60 })).rejects.toThrow(MediaInputError);
    await expect(encodeLoop(small.slice(0, 1))).rejects.toThrow(/2 to 20 frames/);
    const err = await rejection(encodeLoop([...small.slice(0, 2), Buffer.from('{"json":true}')]));
    expect(err.message).toMatch(/^frame 3 is not a decodable image \(got text\)/);
  });

  // No test here depends on how fast an encode is: ffmpeg is made to wait on a FIFO nobody
  // writes to, so only a kill can end it, and aborts land at known points (before the call,
  // once the child exists), not after a guessed delay.
  it('an already-aborted signal stops encodeLoop before any work, leaving no temp dir', async () => {
    const left = await leftoversAfter(async () => {
      expect((await rejection(encodeLoop(big, { signal: AbortSignal.abort() }))).name).toBe('AbortError');
    });
    expect(left).toEqual([]);
  });

  it('an abort or a timeout kills a running ffmpeg and removes its temp dir', async () => {
    const fifoDir = await mkdtemp(join(tmpdir(), 'pipeline-fifo-'));
    try {
      await promisify(execFile)('mkfifo', [join(fifoDir, '00000.ppm')]);
      const stuck = { dir: fifoDir, pattern: '%05d.ppm' };
      // Bounded below the test's timeout: if ffmpeg were not killed, this says so.
      const settled = (p: Promise<unknown>) => Promise.race([
        rejection(p),
        new Promise<Error>((resolve) => setTimeout(() => resolve(new Error('ffmpeg was not killed')), 20_000).unref()),
      ]);
      const left = await leftoversAfter(async () => {
        const ac = new AbortController();
        const aborted = encodeMp4(stuck, { fps: 10, signal: ac.signal });
        ac.abort(); // before the spawn: the child must never run
        expect((await settled(aborted)).name).toBe('AbortError');
        // Aborted once the child exists (it is blocked opening the FIFO): only a kill ends it.
        const late = new AbortController();
        const running = encodeMp4(stuck, { fps: 10, signal: late.signal, onStart: () => late.abort() });
        expect((await settled(running)).name).toBe('AbortError');
        expect((await settled(encodeMp4(stuck, { fps: 10, timeoutMs: 50 }))).name).toBe('TimeoutError');
      });
      expect(left).toEqual([]);
    } finally {
      await rm(fifoDir, { recursive: true, force: true });
    }
  });
});

describe('video uploads', () => {
  let clip: Buffer;
  beforeAll(async () => {
    // 12 frames at 10 fps = a 1.2 s clip, made by the same ffmpeg the worker uses.
    clip = await encodeMp4(await makeJpegFrames(12, 640, 480), { fps: 10 });
  });

  it('extracts evenly spread PNG frames from a short clip', async () => {
    const frames = await extractFrames(clip, { maxFrames: 6 });
    expect(frames.length).toBeGreaterThanOrEqual(5);
    expect(frames.length).toBeLessThanOrEqual(6);
    const meta = await sharp(frames[0]!).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 640, height: 480 });
  });

  it('applies a phone clip\'s rotation metadata (portrait clip stored landscape)', async () => {
    // Remux (no re-encode) with a 90° display matrix, as phones write portrait video.
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-rot-'));
    try {
      await writeFile(join(dir, 'in.mp4'), clip);
      await promisify(execFile)(binaries().ffmpeg.path, ['-v', 'error', '-i', join(dir, 'in.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', join(dir, 'rot.mp4')]);
      const frames = await extractFrames(await readFile(join(dir, 'rot.mp4')), { maxFrames: 3 });
      expect(await sharp(frames[0]!).metadata()).toMatchObject({ width: 480, height: 640 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns a clip into a loop', async () => {
    const out = await encodeLoop([clip], { kind: 'VIDEO', mode: 'BOUNCE', fps: 10 });
    const n = out.frameCount / 2 + 1; // frames taken from the clip
    expect(n).toBeGreaterThanOrEqual(8);
    expect(n).toBeLessThanOrEqual(10);
    expect((await probe(out.mp4)).frames).toBe(out.frameCount);
    expect(out.sizes.poster.width).toBe(480);
  });

  it('refuses clips longer than 5 s and things that are not video', async () => {
    const long = await encodeMp4(await makeJpegFrames(12, 160, 120), { fps: 2 }); // 6 s
    expect((await probe(long)).durationSec).toBeCloseTo(6, 1);
    const err = await rejection(encodeLoop([long], { kind: 'VIDEO' }));
    expect(err).toBeInstanceOf(MediaInputError);
    expect(err.message).toMatch(/clip is 6\.0 s long; loops are made from clips of at most 5 s/);
    await expect(extractFrames(Buffer.from('not a video at all'))).rejects.toThrow(/not an MP4, QuickTime or WebM video \(got text\)/);
    await expect(encodeLoop([clip, clip], { kind: 'VIDEO' })).rejects.toThrow(/one clip/);
  });
});

describe('previewLoop', () => {
  it('returns a small animated WebP data URL with at most 8 frames', async () => {
    const url = await previewLoop(big, { mode: 'BOUNCE', effect: 'SOLO', fps: 10 });
    expect(url.startsWith('data:image/webp;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(url.split(',')[1]!, 'base64')).metadata();
    expect(meta).toMatchObject({ pages: 8, loop: 0, width: 240, height: 240 });

    const ten = await makeJpegFrames(10, 320, 320);
    const fwd = await sharp(Buffer.from((await previewLoop(ten, { mode: 'FORWARD' })).split(',')[1]!, 'base64')).metadata();
    expect(fwd.pages).toBe(8);
    const bounce = await sharp(Buffer.from((await previewLoop(ten)).split(',')[1]!, 'base64')).metadata();
    expect(bounce.pages).toBe(8);
  });

  it('rejects the same bad input as the full encode', async () => {
    await expect(previewLoop([...small, Buffer.from('hi')])).rejects.toThrow(/^frame 6 is not a decodable image \(got text\)/);
  });
});

describe('ffmpeg module', () => {
  it('resolves binaries (env, else PATH, else the npm installer builds)', () => {
    const b = binaries();
    expect(['env', 'system', 'installer']).toContain(b.ffmpeg.source);
    expect(b.ffprobe.path).toMatch(/ffprobe/);
  });
});
