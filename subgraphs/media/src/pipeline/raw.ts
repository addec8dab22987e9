/** Small sharp helpers for RawFrame (packed 8-bit RGB) so each stage stays a few lines. */
import sharp, { type Sharp } from 'sharp';
import type { RawFrame } from './types.ts';

export function fromRaw(frame: RawFrame): Sharp {
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } });
}

/** Forces the shape every stage expects back: sRGB, 3 channels, 8 bits. */
export async function toRaw(img: Sharp): Promise<RawFrame> {
  const { data, info } = await img
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

export async function resizeRaw(frame: RawFrame, side: number): Promise<RawFrame> {
  if (frame.width === side && frame.height === side) return frame;
  return toRaw(fromRaw(frame).resize(side, side, { fit: 'fill', kernel: 'lanczos3' }));
}

/**
 * Stacks frames into one tall raw image with pageHeight set: sharp treats that as an animation,
 * so WebP/GIF are written straight from pixels without re-decoding each frame (which
 * `join: { animated: true }` would do), and a one-frame sequence also works.
 */
export function animation(frames: RawFrame[]): Sharp {
  const { width, height } = frames[0]!;
  const data = Buffer.concat(frames.map((f) => f.data));
  return sharp(data, { raw: { width, height: height * frames.length, channels: 3, pageHeight: height } });
}

/** Mean Rec. 601 luma of a frame, 0–255 (used by tests and sanity checks). */
export function meanLuma(frame: RawFrame): number {
  let sum = 0;
  const d = frame.data;
  for (let i = 0; i < d.length; i += 3) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
  return sum / (d.length / 3);
}
