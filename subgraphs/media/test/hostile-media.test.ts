// Hostile uploads against the pipeline's doors, with the real ffmpeg/ffprobe and sharp: a clip
// must never make ffmpeg open another file of the server, and a frame is only decoded when it
// is an image we take, at a size we can hold.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaries, encodeMp4, extractFrames, FfmpegInputError, probe, sniffVideo } from '../src/ffmpeg.ts';
import { encodeLoop, MediaInputError, normalizeFrames, previewLoop } from '../src/pipeline/index.ts';
import { makeJpegFrames } from './support/frames.ts';

let dir: string;       // stands for "the server's disk": files no upload may reach
let secretMp4: string; // a clip on that disk, all red
let clips: Record<'mp4' | 'mov' | 'mkv' | 'webm' | 'avi', Buffer>;

const ffmpegCli = (args: string[]) => promisify(execFile)(binaries().ffmpeg.path, ['-v', 'error', '-y', ...args]);
async function rejection(p: Promise<unknown>): Promise<Error> {
  try { await p; } catch (err) { return err as Error; }
  throw new Error('expected a rejection');
}

/** A playlist whose one segment is a local file: auto-detecting ffmpeg plays that file. */
const hlsPointingAt = (file: string) =>
  Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://${file}\n#EXT-X-ENDLIST\n`);
const ffconcatPointingAt = (file: string) => Buffer.from(`ffconcat version 1.0\nfile '${file}'\nduration 1\n`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-media-'));
  const red = await Promise.all(Array.from({ length: 6 }, () =>
    sharp({ create: { width: 160, height: 120, channels: 3, background: '#ff0000' } }).jpeg().toBuffer()));
  secretMp4 = join(dir, 'secret.mp4');
  await writeFile(secretMp4, await encodeMp4(red, { fps: 10 }));
  const file = (ext: string) => join(dir, `clip.${ext}`);
  await ffmpegCli(['-i', secretMp4, '-c', 'copy', file('mov')]);
  await ffmpegCli(['-i', secretMp4, '-c', 'copy', file('mkv')]);
  await ffmpegCli(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '0.6', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', file('webm')]);
  await ffmpegCli(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '0.6', '-c:v', 'mjpeg', file('avi')]);
  clips = {
    mp4: await readFile(secretMp4),
    mov: await readFile(file('mov')),
    mkv: await readFile(file('mkv')),
    webm: await readFile(file('webm')),
    avi: await readFile(file('avi')),
  };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('video containers (sniffed before ffmpeg sees the bytes)', () => {
  it('names the demuxer for MP4, QuickTime, Matroska and WebM', async () => {
    expect(await sniffVideo(clips.mp4)).toBe('mov');
    expect(await sniffVideo(clips.mov)).toBe('mov');
    expect(await sniffVideo(clips.mkv)).toBe('matroska');
    expect(await sniffVideo(clips.webm)).toBe('matroska');
  });

  it('still decodes each accepted container with its demuxer forced', async () => {
    for (const kind of ['mp4', 'mov', 'mkv', 'webm'] as const) {
      const frames = await extractFrames(clips[kind], { maxFrames: 3 });
      expect(frames.length, kind).toBeGreaterThanOrEqual(2);
      expect((await sharp(frames[0]!).metadata()).format, kind).toBe('png');
    }
  });

  it.each([
    ['an HLS playlist', () => hlsPointingAt(secretMp4), /got an HLS playlist/],
    ['an ffconcat script', () => ffconcatPointingAt(secretMp4), /got an ffmpeg concat script/],
    ['an AVI clip', () => clips.avi, /got AVI data/],
    ['a PNG image', () => Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), /got PNG data/],
    ['text', () => Buffer.from('not a video at all'), /got text/],
    ['an empty file', () => Buffer.alloc(0), /got an empty file/],
  ])('refuses %s with a readable FfmpegInputError, from probe and extractFrames alike', async (_name, bytes, reason) => {
    for (const call of [() => extractFrames(bytes()), () => probe(bytes())]) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(FfmpegInputError);
      expect(err.message).toMatch(/^the clip is not an MP4, QuickTime or WebM video/);
      expect(err.message).toMatch(reason);
    }
  });
});

describe('an upload that points at a file of the server', () => {
  // Today's bytes would have come out as the red clip: the refusal is the point.
  it.each([
    ['HLS playlist', () => hlsPointingAt(secretMp4)],
    ['ffconcat script', () => ffconcatPointingAt(secretMp4)],
  ])('a VIDEO upload that is an %s fails the encode and the preview as bad input', async (_name, bytes) => {
    const encode = await rejection(encodeLoop([bytes()], { kind: 'VIDEO' }));
    expect(encode).toBeInstanceOf(MediaInputError);
    expect(encode.message).toMatch(/^the clip is not an MP4, QuickTime or WebM video \(got an (HLS playlist|ffmpeg concat script)\)$/);
    expect(encode.cause).toBeInstanceOf(FfmpegInputError);
    const preview = await rejection(previewLoop([bytes()], { kind: 'VIDEO' }));
    expect(preview).toBeInstanceOf(MediaInputError);
    expect(preview.message).toBe(encode.message);
  });
});

/** A PNG whose header declares width×height over a few bytes of junk pixel data. */
function declaredPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from('junk, not zlib')), chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('frames over the pixel limit', () => {
  it('a 30000×30000-declared PNG is refused as too large, with the limit, from its header alone', async () => {
    const [ok] = await makeJpegFrames(1, 320, 240);
    const err = await rejection(normalizeFrames([ok!, declaredPng(30_000, 30_000)]));
    expect(err).toBeInstanceOf(MediaInputError);
    // "too large", not "damaged": and its pixel data is junk, so this was decided before any decode.
    expect(err.message).toBe('frame 2 is 30000×30000 px; the limit is 100 megapixels');
    expect((err as MediaInputError).frameIndex).toBe(1);
  });

  it('a small PNG with the same junk pixel data is reported as damaged (the header check is not a catch-all)', async () => {
    const err = await rejection(normalizeFrames([declaredPng(320, 240)]));
    expect(err.message).toBe('frame 1 is a damaged PNG image');
  });
});
