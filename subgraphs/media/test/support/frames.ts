/** Synthetic camera frames for pipeline tests and the bench, made with sharp (no fixtures on disk). */
import sharp from 'sharp';

/**
 * Frame `i` of a fake burst: a diagonal two-colour gradient whose hue drifts with i and a disc
 * that moves across, so consecutive frames differ (encoders must not merge them) and effects
 * have colour and tone to work on. Kept mid-dark so "brighter" is measurable.
 */
export function frameSvg(i: number, width: number, height: number): Buffer {
  const hue = (i * 47) % 360;
  const cx = Math.round(width * (0.2 + 0.12 * i));
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
      `<stop offset="0" stop-color="hsl(${hue},70%,30%)"/><stop offset="1" stop-color="hsl(${(hue + 140) % 360},60%,55%)"/>` +
      `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>` +
      `<circle cx="${cx}" cy="${Math.round(height / 2)}" r="${Math.round(height / 6)}" fill="hsl(${(hue + 200) % 360},80%,60%)"/>` +
      `<rect x="${Math.round(width * 0.1)}" y="${Math.round(height * 0.7)}" width="${Math.round(width / 5)}" height="${Math.round(height / 8)}" fill="#f4f0e0"/>` +
      `</svg>`,
  );
}

/**
 * @param texture overlay sensor-like noise, so encoders face photo-like detail (the bench uses
 * it; tests leave it off because the noise is random, not seeded).
 */
export async function makeJpegFrames(n: number, width = 1440, height = 1080, texture = false): Promise<Buffer[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    let img = sharp(frameSvg(i, width, height));
    if (texture) {
      const noise = { width, height, channels: 3 as const, background: '#808080', noise: { type: 'gaussian' as const, mean: 128, sigma: 24 } };
      img = sharp(await img.png().toBuffer()).composite([{ input: { create: noise }, blend: 'soft-light' }]);
    }
    return img.jpeg({ quality: 90 }).toBuffer();
  }));
}

/**
 * A landscape JPEG stored "sideways" with EXIF orientation 6 (display = rotate 90° clockwise).
 * Stored top half is red, bottom half blue, so once honoured: left half blue, right half red.
 */
export async function makeOrientation6Jpeg(width = 640, height = 480): Promise<Buffer> {
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="${width}" height="${height / 2}" fill="#ff0000"/>` +
      `<rect y="${height / 2}" width="${width}" height="${height / 2}" fill="#0000ff"/></svg>`,
  );
  return sharp(svg).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** Byte offset of a top-level MP4 box, or -1 (faststart puts 'moov' before 'mdat'). */
export function mp4BoxOffset(mp4: Buffer, type: string): number {
  let at = 0;
  while (at + 8 <= mp4.length) {
    let size = mp4.readUInt32BE(at);
    if (mp4.toString('latin1', at + 4, at + 8) === type) return at;
    if (size === 1) size = Number(mp4.readBigUInt64BE(at + 8));
    if (size < 8) return -1;
    at += size;
  }
  return -1;
}
