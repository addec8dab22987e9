/**
 * The "bare" encode the pipeline is measured against: the same sharp and ffmpeg work with the
 * same settings (sizes, qualities, efforts, x264 args, PPM frames), written straight-line:
 * no input checks, no RawFrame helpers, no fluent-ffmpeg, no abort/timeout plumbing.
 * BOUNCE of 5 frames, effect NONE, fps 10. Also the bare S3 reads/writes the worker job is
 * measured against (bareS3, below).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';

const ORDER = [0, 1, 2, 3, 4, 3, 2, 1];

function ffmpeg(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err.slice(-500)}`))));
  });
}

export async function bareEncode(jpegs: Buffer[], ffmpegBin: string, fps = 10, threads?: number) {
  const raw = (data: Buffer, side: number) => sharp(data, { raw: { width: side, height: side, channels: 3 } });
  const full = await Promise.all(jpegs.map((j) =>
    sharp(j).rotate().resize(1080, 1080, { fit: 'cover' }).removeAlpha().raw().toBuffer()));
  const [v720, g480] = await Promise.all([
    Promise.all(full.map((d) => raw(d, 1080).resize(720, 720).raw().toBuffer())),
    Promise.all(full.map((d) => raw(d, 1080).resize(480, 480).raw().toBuffer())),
  ]);
  const delay = ORDER.map(() => Math.round(1000 / fps));
  const anim = (frames: Buffer[], side: number) => sharp(Buffer.concat(ORDER.map((i) => frames[i]!)), {
    raw: { width: side, height: side * ORDER.length, channels: 3, pageHeight: side },
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  try {
    const header = Buffer.from('P6\n720 720\n255\n');
    await Promise.all(ORDER.map((i, k) => writeFile(join(dir, `${k}.ppm`), Buffer.concat([header, v720[i]!]))));
    const out = join(dir, 'out.mp4');
    const args = ['-y', '-f', 'image2', '-framerate', String(fps), '-start_number', '0', '-i', join(dir, '%d.ppm'),
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2',
      '-vsync', 'cfr', '-r', String(fps), '-movflags', '+faststart', '-an', '-f', 'mp4', '-frames:v', String(ORDER.length),
      ...(threads ? ['-threads', String(threads)] : []), out];
    const [mp4, webp, gif, poster] = await Promise.all([
      ffmpeg(ffmpegBin, args).then(() => readFile(out)),
      anim(v720, 720).webp({ loop: 0, delay, quality: 80, effort: 2 }).toBuffer(),
      anim(g480, 480).gif({ loop: 0, delay, keepDuplicateFrames: true, effort: 3 }).toBuffer(),
      raw(full[0]!, 1080).jpeg({ quality: 88 }).toBuffer(),
    ]);
    return { mp4, webp, gif, poster };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- bare S3 I/O

/**
 * The S3 reads and writes a job does, done bare: one S3Client, GetObject for each part and
 * PutObject for each output, all in parallel. No HEAD before GET, no size limit while reading,
 * no database, no pub/sub. Same client settings as storage.ts (path-style, checksums only when
 * required), so both sides send the same bytes over the wire.
 */
export interface BareS3Config {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function bareS3(cfg: BareS3Config) {
  const client = new S3Client({
    region: cfg.region,
    endpoint: cfg.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const cache = 'public, max-age=31536000, immutable';
  return {
    getAll: (keys: string[]) => Promise.all(keys.map(async (Key) => {
      const out = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    })),
    putAll: async (prefix: string, o: { mp4: Buffer; webp: Buffer; gif: Buffer; poster: Buffer }) => {
      const put = (Key: string, Body: Buffer, ContentType: string) =>
        client.send(new PutObjectCommand({ Bucket: cfg.bucket, Key, Body, ContentType, CacheControl: cache }));
      await Promise.all([
        put(`${prefix}loop.mp4`, o.mp4, 'video/mp4'),
        put(`${prefix}loop.webp`, o.webp, 'image/webp'),
        put(`${prefix}loop.gif`, o.gif, 'image/gif'),
        put(`${prefix}poster.jpg`, o.poster, 'image/jpeg'),
      ]);
    },
    destroy: () => client.destroy(),
  };
}
