/**
 * The one door to ffmpeg/ffprobe. fluent-ffmpeg is archived upstream, so nothing else in the
 * codebase may import it: replacing it later means rewriting this file only.
 *
 * Everything here works on buffers and private temp dirs (removed on every exit path), so
 * callers never deal with paths, and every call can be cut short by an AbortSignal/timeout,
 * which kills the child process.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { link, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import { fileTypeFromBuffer, fileTypeFromFile, type FileTypeResult } from 'file-type';

export interface RunOptions {
  signal?: AbortSignal;
  /** Kill the child after this long; rejects with a DOMException named 'TimeoutError'. */
  timeoutMs?: number;
  /** Called once the ffmpeg child exists (a known point to log at, or for a test to act at). */
  onStart?: () => void;
}

export class FfmpegError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/**
 * "The input is the problem" (not a video we take, too long, no frames): `message` is written
 * for the person who uploaded it. Callers translate it into their own error type.
 */
export class FfmpegInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FfmpegInputError';
  }
}

// ---------------------------------------------------------------- input containers

/**
 * ffmpeg must never pick a demuxer from the input's bytes: auto-detection lets an upload be an
 * HLS playlist, an ffconcat script, etc. that makes ffmpeg open other files of the server. The
 * container is identified here (file-type, which knows far more signatures than we would
 * write) and only these demuxers are ever used, named explicitly.
 */
export type VideoDemuxer = 'mov' | 'matroska';
const DEMUXER_BY_EXT: Readonly<Record<string, VideoDemuxer>> = {
  mp4: 'mov', m4v: 'mov', mov: 'mov', '3gp': 'mov', '3g2': 'mov',
  webm: 'matroska', mkv: 'matroska',
};
export const ACCEPTED_VIDEO = 'an MP4, QuickTime or WebM video';

/** Names what a refused upload is, for the reason a person reads. */
function describeInput(head: Buffer, type: FileTypeResult | undefined): string {
  if (type) return `${type.ext.toUpperCase()} data (${type.mime})`;
  if (head.length === 0) return 'an empty file';
  const text = head.toString('latin1', 0, 64).trimStart();
  if (text.startsWith('#EXTM3U')) return 'an HLS playlist';
  if (/^ffconcat\b/i.test(text) || /^file\s/m.test(head.toString('latin1', 0, 1024))) return 'an ffmpeg concat script';
  if (!head.subarray(0, 1024).some((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return 'text';
  return 'unrecognised data';
}

async function demuxerOf(input: Buffer | string): Promise<VideoDemuxer> {
  const type = typeof input === 'string' ? await fileTypeFromFile(input) : await fileTypeFromBuffer(input);
  const demuxer = type ? DEMUXER_BY_EXT[type.ext] : undefined;
  if (demuxer) return demuxer;
  const head = typeof input === 'string' ? await readHead(input) : input;
  throw new FfmpegInputError(`the clip is not ${ACCEPTED_VIDEO} (got ${describeInput(head, type)})`);
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1024), 0, 1024, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Which container a buffer is, as ffmpeg names its demuxer; refuses anything else. */
export const sniffVideo = (buf: Buffer): Promise<VideoDemuxer> => demuxerOf(buf);

/**
 * Input options for every untrusted input: the demuxer forced, only the local file protocol
 * (no http, data:, subfile, concat: …), and for mov no external data references (drefs let a
 * .mov point at other files; off by default, pinned here so a build default cannot change it).
 */
function untrustedInput(demuxer: VideoDemuxer): string[] {
  return ['-protocol_whitelist', 'file', '-f', demuxer, ...(demuxer === 'mov' ? ['-enable_drefs', '0'] : [])];
}

// ---------------------------------------------------------------- binary resolution

export interface Binary { path: string; source: 'env' | 'system' | 'installer' }

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch { /* not here */ }
  }
  return undefined;
}

const requireCjs = createRequire(import.meta.url);
let resolved: { ffmpeg: Binary; ffprobe: Binary } | undefined;

function resolveOne(envVar: string, name: string, installer: string): Binary {
  const fromEnv = process.env[envVar];
  if (fromEnv) return { path: fromEnv, source: 'env' };
  const system = onPath(name);
  if (system) return { path: system, source: 'system' };
  // Loaded lazily: the installer packages throw on unsupported platforms, which must not
  // matter when a system binary or env path exists.
  const pkg = requireCjs(installer) as { path: string };
  return { path: pkg.path, source: 'installer' };
}

/** Which binaries are used: FFMPEG_PATH/FFPROBE_PATH, else PATH, else the npm installer builds. */
export function binaries(): { ffmpeg: Binary; ffprobe: Binary } {
  if (!resolved) {
    resolved = {
      ffmpeg: resolveOne('FFMPEG_PATH', 'ffmpeg', '@ffmpeg-installer/ffmpeg'),
      ffprobe: resolveOne('FFPROBE_PATH', 'ffprobe', '@ffprobe-installer/ffprobe'),
    };
    // fluent-ffmpeg keeps these in a module-global cache; set once, before any command runs.
    ffmpeg.setFfmpegPath(resolved.ffmpeg.path);
    ffmpeg.setFfprobePath(resolved.ffprobe.path);
  }
  return resolved;
}

// ---------------------------------------------------------------- plumbing

function combinedSignal(opts: RunOptions): AbortSignal | undefined {
  const signals: AbortSignal[] = [];
  if (opts.signal) signals.push(opts.signal);
  if (opts.timeoutMs !== undefined) signals.push(AbortSignal.timeout(opts.timeoutMs));
  if (signals.length === 0) return undefined;
  return signals.length === 1 ? signals[0] : AbortSignal.any(signals);
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'fffoto-ffmpeg-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a prepared command; resolves once the process has exited, so temp files are free to delete. */
function run(command: ffmpeg.FfmpegCommand, opts: RunOptions): Promise<void> {
  binaries();
  const signal = combinedSignal(opts);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let started = false;
    const onAbort = () => { if (started) command.kill('SIGKILL'); };
    signal?.addEventListener('abort', onAbort, { once: true });
    // fluent-ffmpeg spawns asynchronously (after its capability checks), so an abort that
    // arrives before 'start' is honoured here instead of being lost.
    command.on('start', () => {
      started = true;
      if (signal?.aborted) command.kill('SIGKILL');
      opts.onStart?.();
    });
    command.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    command.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(signal.reason);
      const tail = (stderr ?? '').trim().split('\n').slice(-6).join('\n');
      reject(new FfmpegError(`ffmpeg failed: ${err.message}${tail ? `\n${tail}` : ''}`, stderr ?? ''));
    });
    command.run();
  });
}

function imageExtension(buf: Buffer): 'png' | 'jpg' | 'ppm' {
  if (buf.length > 8 && buf.readUInt32BE(0) === 0x89504e47) return 'png';
  if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpg';
  if (buf.length > 2 && buf[0] === 0x50 && buf[1] === 0x36) return 'ppm';
  throw new TypeError('encodeMp4 frames must be PNG, JPEG or binary PPM (P6) buffers');
}

/** Binary PPM: the cheapest lossless container ffmpeg's image2 demuxer reads (no compression). */
export function rawRgbToPpm(data: Buffer, width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`, 'ascii'), data]);
}

// ---------------------------------------------------------------- probe

export interface ProbeResult {
  codec: string;
  pixFmt: string;
  width: number;
  height: number;
  /** Decoded frame count when counted (default), else the container's claim or an estimate. */
  frames: number;
  durationSec: number;
  fps: number;
  formatName: string;
}

interface FfprobeJson {
  streams?: Array<Record<string, string | number | undefined>>;
  format?: { duration?: string; format_name?: string };
}

function rate(text: unknown): number {
  const [num, den] = String(text ?? '0/1').split('/').map(Number);
  return den ? (num ?? 0) / den : num ?? 0;
}

/**
 * Describes the first video stream of an MP4/QuickTime or WebM/Matroska clip (anything else is
 * refused with an FfmpegInputError before ffprobe runs). ffprobe is run directly (not through
 * fluent-ffmpeg's helper) because that helper gives no handle to kill the process.
 */
export async function probe(input: Buffer | string, opts: RunOptions & { countFrames?: boolean } = {}): Promise<ProbeResult> {
  const demuxer = await demuxerOf(input);
  if (typeof input === 'string') return probeFile(input, demuxer, opts);
  return withTempDir(async (dir) => {
    const file = join(dir, 'input');
    await writeFile(file, input);
    return probeFile(file, demuxer, opts);
  });
}

async function probeFile(file: string, demuxer: VideoDemuxer, opts: RunOptions & { countFrames?: boolean }): Promise<ProbeResult> {
  const args = ['-v', 'error', ...untrustedInput(demuxer), '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0'];
  if (opts.countFrames !== false) args.push('-count_frames');
  args.push(file);
  const signal = combinedSignal(opts);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(binaries().ffprobe.path, args, { signal, killSignal: 'SIGKILL', maxBuffer: 4 << 20 }, (err, out, errOut) => {
      if (signal?.aborted) return reject(signal.reason);
      if (err) {
        const why = String(errOut).trim().split('\n').pop() || err.message;
        return reject(new FfmpegInputError(`the upload is not a readable video (${why.replace(/^.*?: /, '')})`, { cause: err }));
      }
      resolve(out);
    });
  });
  const json = JSON.parse(stdout) as FfprobeJson;
  const stream = json.streams?.[0];
  if (!stream) throw new FfmpegInputError('the upload has no video stream');
  const durationSec = Number(json.format?.duration ?? stream.duration ?? NaN);
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate);
  const counted = Number(stream.nb_read_frames ?? stream.nb_frames ?? NaN);
  return {
    codec: String(stream.codec_name ?? ''),
    pixFmt: String(stream.pix_fmt ?? ''),
    width: Number(stream.width ?? 0),
    height: Number(stream.height ?? 0),
    frames: Number.isFinite(counted) ? counted : Math.round(durationSec * fps),
    durationSec,
    fps,
    formatName: json.format?.format_name ?? '',
  };
}

// ---------------------------------------------------------------- encode

export interface EncodeMp4Options extends RunOptions {
  fps: number;
  /** Scale to this width (height keeps aspect); omitted = input size. Always made even. */
  size?: number;
  /** x264 quality, default 20 (visually clean for short loops). */
  crf?: number;
  /** x264 preset, default veryfast: loops are a few frames, so speed beats the last few % of size. */
  preset?: string;
  /** x264 threads; limit when several encodes share the cores. Default: ffmpeg's choice. */
  threads?: number;
}

export type FrameSource = Buffer[] | { dir: string; pattern: string; startNumber?: number };

/** H.264/yuv420p MP4 with exactly one output frame per input frame at `fps`, moov first. */
export async function encodeMp4(frames: FrameSource, opts: EncodeMp4Options): Promise<Buffer> {
  return withTempDir(async (dir) => {
    let pattern: string;
    let startNumber = 0;
    let frameCount: number | undefined;
    if (Array.isArray(frames)) {
      if (frames.length === 0) throw new TypeError('encodeMp4 needs at least one frame');
      const ext = imageExtension(frames[0]!);
      pattern = join(dir, `%05d.${ext}`);
      frameCount = frames.length;
      // A bounce repeats frames: the same Buffer object is written once and hard-linked.
      const written = new Map<Buffer, string>();
      for (const [i, buf] of frames.entries()) {
        if (imageExtension(buf) !== ext) throw new TypeError('encodeMp4 frames must all share one format');
        const file = join(dir, `${String(i).padStart(5, '0')}.${ext}`);
        const first = written.get(buf);
        if (first) await link(first, file);
        else { await writeFile(file, buf); written.set(buf, file); }
      }
    } else {
      pattern = join(frames.dir, frames.pattern);
      startNumber = frames.startNumber ?? 0;
    }
    const out = join(dir, 'out.mp4');
    const even = opts.size ? `scale=${2 * Math.floor(opts.size / 2)}:-2` : 'scale=trunc(iw/2)*2:trunc(ih/2)*2';
    const output = [
      '-c:v', 'libx264', '-preset', opts.preset ?? 'veryfast', '-crf', String(opts.crf ?? 20),
      '-pix_fmt', 'yuv420p', '-vf', even,
      // -vsync rather than -fps_mode: the bundled 2018 build predates -fps_mode (ffmpeg 5.1);
      // newer builds still accept -vsync. cfr + -r equal to the input rate = one frame each.
      '-vsync', 'cfr', '-r', String(opts.fps),
      '-movflags', '+faststart', '-an', '-f', 'mp4',
    ];
    if (frameCount !== undefined) output.push('-frames:v', String(frameCount));
    if (opts.threads) output.push('-threads', String(opts.threads));
    const command = ffmpeg()
      .input(pattern)
      .inputOptions(['-protocol_whitelist', 'file', '-f', 'image2', '-framerate', String(opts.fps), '-start_number', String(startNumber)])
      .outputOptions(output)
      .output(out);
    await run(command, opts);
    return readFile(out);
  });
}

// ---------------------------------------------------------------- extract

/**
 * Clips larger than this on a side are refused from the probe, before any frame is decoded:
 * decoding and scaling 8K frames takes far longer than a request (or a job) should.
 */
export const MAX_CLIP_SIDE = 4096;

export interface ExtractOptions extends RunOptions {
  /** At most this many frames, spread evenly over the clip (default 10). */
  maxFrames?: number;
  /** Longer clips are refused with an FfmpegInputError (default 5). */
  maxDurationSec?: number;
  /** Sample at most this rate (e.g. the loop's fps), so short clips keep their motion speed. */
  fps?: number;
  /** Cap the shorter side (default 1080), so 4K clips don't produce 4K PNGs. */
  maxSize?: number;
}

/**
 * Splits a short MP4/QuickTime or WebM/Matroska clip into PNG frames (ffmpeg applies the clip's
 * rotation metadata itself). Any other container is refused before ffmpeg sees it.
 */
export async function extractFrames(video: Buffer, opts: ExtractOptions = {}): Promise<Buffer[]> {
  const maxFrames = opts.maxFrames ?? 10;
  const maxDurationSec = opts.maxDurationSec ?? 5;
  const maxSize = opts.maxSize ?? 1080;
  const demuxer = await sniffVideo(video);
  return withTempDir(async (dir) => {
    const input = join(dir, 'input');
    await writeFile(input, video);
    const info = await probeFile(input, demuxer, { ...opts, countFrames: false });
    if (!Number.isFinite(info.durationSec) || info.durationSec <= 0) {
      throw new FfmpegInputError('the clip has no readable duration');
    }
    if (info.durationSec > maxDurationSec + 0.05) {
      throw new FfmpegInputError(`the clip is ${info.durationSec.toFixed(1)} s long; loops are made from clips of at most ${maxDurationSec} s`);
    }
    if (info.width > MAX_CLIP_SIDE || info.height > MAX_CLIP_SIDE) {
      throw new FfmpegInputError(`the clip is ${info.width}×${info.height} px; clips may be at most ${MAX_CLIP_SIDE} px on a side`);
    }
    let sampleRate = maxFrames / info.durationSec;
    if (opts.fps) sampleRate = Math.min(sampleRate, opts.fps);
    if (info.fps > 0) sampleRate = Math.min(sampleRate, info.fps); // never invent duplicate frames
    // Quoted expressions keep their commas out of the filtergraph syntax.
    const cap = `scale='if(lte(iw,ih),min(iw,${maxSize}),-2)':'if(lte(iw,ih),-2,min(ih,${maxSize}))'`;
    const command = ffmpeg()
      .input(input)
      .inputOptions(untrustedInput(demuxer))
      .outputOptions(['-vf', `fps=${sampleRate.toFixed(4)},${cap}`, '-frames:v', String(maxFrames), '-an', '-f', 'image2', '-c:v', 'png'])
      .output(join(dir, 'frame-%03d.png'));
    await run(command, opts);
    const names = (await readdir(dir)).filter((n) => n.startsWith('frame-')).sort();
    if (names.length === 0) throw new FfmpegInputError('no frames could be decoded from the clip');
    return Promise.all(names.map((n) => readFile(join(dir, n))));
  });
}
