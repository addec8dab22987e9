/**
 * The DAILY effect: one theme per UTC day, rotating through PHHHOTO's daily themes. The theme
 * depends only on the UTC calendar day, so every worker (and every retry) picks the same one,
 * whatever its time zone.
 */
import { compose, hueRotate, saturation, scale } from './colour.ts';
import { addGrain, grainSeed, prng } from './grain.ts';
import { fromRaw, toRaw } from './raw.ts';
import type { RawFrame } from './types.ts';

export type DailyThemeId = 'ICE_CREAM' | 'AUTUMN' | 'NIGHTMARE' | 'SHAPES';
export interface DailyTheme { id: DailyThemeId; name: string; description: string }

export const DAILY_THEMES: readonly DailyTheme[] = [
  { id: 'ICE_CREAM', name: 'Ice Cream', description: 'soft pastel pinks, lifted shadows' },
  { id: 'AUTUMN', name: 'Autumn', description: 'warm oranges, faded blues' },
  { id: 'NIGHTMARE', name: 'Nightmare', description: 'dark, green-cast, heavy grain and vignette' },
  { id: 'SHAPES', name: 'Shapes', description: 'bold geometric shapes laid over the scene' },
];

const DAY_MS = 86_400_000;
export const utcDayNumber = (date: Date): number => Math.floor(date.getTime() / DAY_MS);

export function dailyTheme(date: Date): DailyTheme {
  const n = DAILY_THEMES.length;
  return DAILY_THEMES[((utcDayNumber(date) % n) + n) % n]!;
}

function vignetteSvg(side: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">` +
      '<defs><radialGradient id="v" cx="50%" cy="50%" r="72%">' +
      '<stop offset="45%" stop-color="#000" stop-opacity="0"/><stop offset="100%" stop-color="#000" stop-opacity="0.8"/>' +
      `</radialGradient></defs><rect width="${side}" height="${side}" fill="url(#v)"/></svg>`,
  );
}

/** Same layout for the whole day (seeded by the day number), scaled to the frame. */
function shapesSvg(side: number, dayNumber: number): Buffer {
  const rnd = prng(dayNumber ^ 0x5a4e3c);
  const colours = ['#ff3ea5', '#ffd400', '#00c2ff', '#7cff4f', '#ff6a00'];
  const parts: string[] = [];
  for (let i = 0; i < 9; i++) {
    const x = rnd() * side;
    const y = rnd() * side;
    const r = side * (0.06 + rnd() * 0.12);
    const fill = colours[Math.floor(rnd() * colours.length)]!;
    const kind = Math.floor(rnd() * 3);
    const style = `fill="${fill}" fill-opacity="0.75" stroke="#fff" stroke-width="${(side / 180).toFixed(1)}"`;
    if (kind === 0) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" ${style}/>`);
    else if (kind === 1) parts.push(`<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${(2 * r).toFixed(1)}" height="${(2 * r).toFixed(1)}" transform="rotate(${Math.round(rnd() * 90)} ${x.toFixed(1)} ${y.toFixed(1)})" ${style}/>`);
    else parts.push(`<polygon points="${x.toFixed(1)},${(y - r).toFixed(1)} ${(x + r).toFixed(1)},${(y + r).toFixed(1)} ${(x - r).toFixed(1)},${(y + r).toFixed(1)}" ${style}/>`);
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">${parts.join('')}</svg>`);
}

/**
 * Each theme is a visibly different sharp recipe; outputs stay RGB at the input size. Colour
 * shifts are recomb matrices + linear levels (cheap) rather than modulate (slow, see colour.ts).
 */
export async function applyTheme(frame: RawFrame, id: DailyThemeId, index: number, day: Date): Promise<RawFrame> {
  const side = frame.width;
  switch (id) {
    case 'ICE_CREAM':
      // Low contrast + raised floor = pastel; the offsets lean pink/cream; a slight soft focus.
      return toRaw(fromRaw(frame)
        .recomb(saturation(0.7))
        .linear([0.8, 0.74, 0.78], [72, 64, 70])
        .blur(0.6));
    case 'AUTUMN':
      // Red pulls from green, blue is damped: everything tips towards orange.
      return toRaw(fromRaw(frame)
        .recomb(compose([[1.15, 0.12, 0], [0.06, 0.95, 0], [0, 0.05, 0.62]], saturation(1.3), hueRotate(-10)))
        .linear(1.1, -12));
    case 'NIGHTMARE': {
      const dark = await toRaw(fromRaw(frame)
        .recomb(compose(scale(0.8), saturation(0.35), hueRotate(120)))
        .linear([1.4, 1.6, 1.35], [-60, -62, -58])
        .composite([{ input: vignetteSvg(side), blend: 'over' }]));
      return { ...dark, data: addGrain(dark.data, grainSeed(index, 0x4e494748), 34) };
    }
    case 'SHAPES':
      return toRaw(fromRaw(frame)
        .recomb(saturation(1.2))
        .composite([{ input: shapesSvg(side, utcDayNumber(day)), blend: 'over' }]));
  }
}
