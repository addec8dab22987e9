/**
 * Film grain that is reproducible: the noise is a pure function of (seed, pixel), so the same
 * frame always encodes to the same bytes (retries, caches and tests depend on that).
 */

/** mulberry32: tiny, fast, good enough for visual noise; not for anything secret. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seed for frame `index` of a given look; golden-ratio spacing keeps nearby indices unrelated. */
export function grainSeed(index: number, salt: number): number {
  return (Math.imul(index + 1, 0x9e3779b1) ^ salt) >>> 0;
}

/**
 * Sum of two uniforms (a triangular distribution, softer than flat white noise), both taken
 * from the two 16-bit halves of one draw: half the PRNG calls on the per-pixel hot path.
 */
function triangular(u: number, amount: number): number {
  const bits = u * 4294967296;
  return Math.round((((bits & 0xffff) + (bits >>> 16)) / 65536 - 1) * amount);
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * Adds the same noise value to every channel of a pixel (luma grain, like film), so a grey
 * image stays exactly grey. `amount` is the peak deviation in 8-bit levels.
 */
export function addGrain(rgb: Buffer, seed: number, amount: number): Buffer {
  const next = prng(seed);
  const out = Buffer.allocUnsafe(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const n = triangular(next(), amount);
    out[i] = clamp(rgb[i]! + n);
    out[i + 1] = clamp(rgb[i + 1]! + n);
    out[i + 2] = clamp(rgb[i + 2]! + n);
  }
  return out;
}

/** Expands one grey channel to RGB with R=G=B, adding grain on the way (one pass, exact grey). */
export function greyToRgbWithGrain(grey: Buffer, seed: number, amount: number): Buffer {
  const next = prng(seed);
  const out = Buffer.allocUnsafe(grey.length * 3);
  for (let p = 0, o = 0; p < grey.length; p++, o += 3) {
    const v = clamp(grey[p]! + triangular(next(), amount));
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
  }
  return out;
}
