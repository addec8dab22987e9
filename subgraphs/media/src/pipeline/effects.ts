/**
 * The looks. Applied once per input frame (before sequencing), so a bounce never renders a
 * frame twice and its forward and backward passes match exactly.
 */
import { applyTheme, dailyTheme } from './daily.ts';
import { greyToRgbWithGrain, grainSeed } from './grain.ts';
import { fromRaw } from './raw.ts';
import type { Effect, RawFrame } from './types.ts';

export { DAILY_THEMES, dailyTheme, type DailyTheme } from './daily.ts';

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));


/** Luma value below which `fraction` of the pixels lie (histogram walk, one pass). */
function lumaPercentile(rgb: Buffer, fraction: number): number {
  const hist = new Uint32Array(256);
  for (let i = 0; i < rgb.length; i += 3) hist[(77 * rgb[i]! + 150 * rgb[i + 1]! + 29 * rgb[i + 2]!) >> 8]!++;
  const target = fraction * (rgb.length / 3);
  let seen = 0;
  for (let v = 0; v < 256; v++) if ((seen += hist[v]!) >= target) return v;
  return 255;
}

/**
 * DAZE: "lightens / auto-corrects". A plain auto-levels (sharp's normalise) darkens the many
 * phone shots whose shadows are merely lifted, so levels are done as one per-channel lookup
 * table instead (all in one JS pass; sharp's modulate alone costs ~75 ms per 1080² frame): white point to the 99.5th percentile, only a quarter of the black-point shift
 * (shadows open, never crushed), a midtone gamma lift, and a little warmth.
 */
async function daze(frame: RawFrame): Promise<RawFrame> {
  const lo = lumaPercentile(frame.data, 0.005) / 4;
  const hi = Math.max(lumaPercentile(frame.data, 0.995), lo + 64);
  const warmth = [1.05, 1.0, 0.93];
  const luts = warmth.map((gain) => Uint8Array.from({ length: 256 }, (_, v) => {
    const level = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
    return Math.min(255, Math.round(255 * level ** 0.75 * gain + (gain > 1 ? 4 : 0)));
  }));
  const [r, g, b] = luts as [Uint8Array, Uint8Array, Uint8Array];
  const out = Buffer.allocUnsafe(frame.data.length);
  const sat = 1.08; // a touch more colour, applied around each pixel's luma in the same pass
  for (let i = 0; i < out.length; i += 3) {
    const R = r[frame.data[i]!]!;
    const G = g[frame.data[i + 1]!]!;
    const B = b[frame.data[i + 2]!]!;
    const y = 0.299 * R + 0.587 * G + 0.114 * B;
    out[i] = clamp(y + (R - y) * sat);
    out[i + 1] = clamp(y + (G - y) * sat);
    out[i + 2] = clamp(y + (B - y) * sat);
  }
  return { ...frame, data: out };
}

/**
 * SOLO: contrasty black and white with grain. sharp makes the single grey channel; the grain
 * and the copy to R, G and B happen in one JS pass so every output pixel is exactly grey.
 */
async function solo(frame: RawFrame, index: number): Promise<RawFrame> {
  const { data, info } = await fromRaw(frame)
    .greyscale()
    .linear(1.3, -0.3 * 128)
    .toColourspace('b-w')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`SOLO expected 1 grey channel, got ${info.channels}`);
  return { width: info.width, height: info.height, data: greyToRgbWithGrain(data, grainSeed(index, 0x534f4c4f), 22) };
}

/**
 * @param index position of the frame in the burst (seeds the grain, so output is reproducible)
 * @param day only used by DAILY: picks the theme by UTC day
 */
export async function applyEffect(frame: RawFrame, effect: Effect, day: Date = new Date(), index = 0): Promise<RawFrame> {
  switch (effect) {
    case 'NONE':
      return frame;
    case 'DAZE':
      return daze(frame);
    case 'SOLO':
      return solo(frame, index);
    case 'DAILY':
      return applyTheme(frame, dailyTheme(day).id, index, day);
    default:
      throw new RangeError(`unknown effect ${String(effect)}`);
  }
}
