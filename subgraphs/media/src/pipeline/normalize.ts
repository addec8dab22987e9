/**
 * Turns uploaded frames into same-sized square RawFrames: EXIF orientation applied, centre crop,
 * capped size. Input is checked by magic bytes first, because a file's extension / content type
 * comes from the client and sharp would happily decode SVG, TIFF, etc. behind a ".jpg".
 */
import sharp, { type Metadata } from 'sharp';
import { MediaInputError } from './errors.ts';
import { toRaw } from './raw.ts';
import type { RawFrame } from './types.ts';

export type AcceptedFormat = 'jpeg' | 'png' | 'webp';
export const DEFAULT_MAX_SIZE = 1080;
/** Smaller frames make a loop nobody can see; also rules out 1×1 tracking-pixel junk. */
export const MIN_SIDE = 64;
/** Guards memory against decompression bombs; generous for 48 MP phone sensors. */
export const MAX_INPUT_PIXELS = 100_000_000;

export function sniffFormat(buf: Buffer): AcceptedFormat | undefined {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** Names what a rejected upload looks like, for the message a person reads. */
export function describeContent(buf: Buffer): string {
  if (buf.length === 0) return 'an empty file';
  const head = buf.toString('latin1', 0, 16);
  if (head.startsWith('GIF8')) return 'a GIF image';
  if (head.slice(4, 8) === 'ftyp') {
    const brand = head.slice(8, 12);
    if (/^hei|^hev|^mif1|^msf1/.test(brand)) return 'a HEIC image';
    if (/^avi[fs]/.test(brand)) return 'an AVIF image';
    return 'a video';
  }
  if (buf.length >= 4 && buf.readUInt32BE(0) === 0x1a45dfa3) return 'a video';
  if (head.startsWith('%PDF')) return 'a PDF document';
  if (head.startsWith('BM')) return 'a BMP image';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'a TIFF image';
  const sample = buf.subarray(0, 1024);
  // Text: no NULs or other C0 controls apart from tab/CR/LF; covers ASCII, UTF-8, SVG, JSON.
  if (!sample.some((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return 'text';
  return 'unrecognised binary data';
}

interface Probed { format: AcceptedFormat; width: number; height: number }

async function inspect(buf: Buffer, index: number): Promise<Probed> {
  const label = `frame ${index + 1}`;
  const sniffed = sniffFormat(buf);
  if (!sniffed) {
    throw new MediaInputError(`${label} is not a decodable image (got ${describeContent(buf)}); use JPEG, PNG or WebP`, { frameIndex: index });
  }
  let meta: Metadata;
  try {
    // Header only: metadata() never decodes pixels, so no pixel limit is needed to read the
    // declared size, and an oversized frame is reported as too large rather than as damaged.
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new MediaInputError(`${label} is a damaged ${sniffed.toUpperCase()} image`, { frameIndex: index, cause });
  }
  if (meta.format !== sniffed) {
    throw new MediaInputError(`${label} is not a decodable image (got ${meta.format ?? 'an unknown format'})`, { frameIndex: index });
  }
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw new MediaInputError(
      `${label} is ${meta.width}×${meta.height} px; the limit is ${MAX_INPUT_PIXELS / 1_000_000} megapixels`,
      { frameIndex: index },
    );
  }
  const { width, height } = meta.autoOrient;
  if (Math.min(width, height) < MIN_SIDE) {
    throw new MediaInputError(`${label} is too small (${width}×${height} px; at least ${MIN_SIDE} px a side)`, { frameIndex: index });
  }
  return { format: sniffed, width, height };
}

export interface NormalizeOptions {
  /** Square side cap in px (default 1080); frames smaller than this are not upscaled. */
  maxSize?: number;
}

/**
 * All frames come out at one square size: the smallest frame's shorter side, capped at maxSize,
 * so a burst with one odd frame still encodes. Frame numbers in errors are 1-based.
 */
export async function normalizeFrames(inputs: Buffer[], opts: NormalizeOptions = {}): Promise<RawFrame[]> {
  const probed = await Promise.all(inputs.map((buf, i) => inspect(buf, i)));
  const side = Math.min(opts.maxSize ?? DEFAULT_MAX_SIZE, ...probed.map((p) => Math.min(p.width, p.height)));
  return Promise.all(inputs.map(async (buf, i) => {
    try {
      // fit 'cover' + centre = centre-crop square; resize before decode lets JPEG shrink-on-load.
      const img = sharp(buf, { failOn: 'truncated', limitInputPixels: MAX_INPUT_PIXELS })
        .autoOrient()
        .resize(side, side, { fit: 'cover', position: 'centre' })
        .flatten({ background: '#ffffff' }); // transparent PNG/WebP areas become white, not black
      return await toRaw(img);
    } catch (cause) {
      throw new MediaInputError(`frame ${i + 1} is a damaged ${probed[i]!.format.toUpperCase()} image`, { frameIndex: i, cause });
    }
  }));
}
