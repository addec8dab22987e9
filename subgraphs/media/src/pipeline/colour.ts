/**
 * 3×3 RGB colour matrices for sharp's `recomb`. sharp's `modulate` does the same jobs in LCh
 * and costs ~75 ms per 1080² frame here; a recomb is a few ms, and these looks don't need
 * perceptual accuracy.
 */
export type Matrix3 = [[number, number, number], [number, number, number], [number, number, number]];

// Rec. 601 luma weights: the grey axis saturation and hue rotate around.
const LR = 0.299;
const LG = 0.587;
const LB = 0.114;

export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const row = (r: number): [number, number, number] => [0, 1, 2].map((c) =>
    a[r]![0] * b[0]![c]! + a[r]![1] * b[1]![c]! + a[r]![2] * b[2]![c]!) as [number, number, number];
  return [row(0), row(1), row(2)];
}

/** Applies matrices right to left, like function composition: compose(A, B) = A·B. */
export const compose = (...ms: Matrix3[]): Matrix3 => ms.reduce((acc, m) => multiply(acc, m));

/** s = 0 grey, 1 unchanged, > 1 more colourful. */
export function saturation(s: number): Matrix3 {
  const k = 1 - s;
  return [
    [LR * k + s, LG * k, LB * k],
    [LR * k, LG * k + s, LB * k],
    [LR * k, LG * k, LB * k + s],
  ];
}

/** Rotation of hue about the luma axis, in degrees (the usual linear-RGB approximation). */
export function hueRotate(deg: number): Matrix3 {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return [
    [LR + c * (1 - LR) - s * LR, LG - c * LG - s * LG, LB - c * LB + s * (1 - LB)],
    [LR - c * LR + s * 0.143, LG + c * (1 - LG) + s * 0.14, LB - c * LB - s * 0.283],
    [LR - c * LR - s * (1 - LR), LG - c * LG + s * LG, LB + c * (1 - LB) + s * LB],
  ];
}

export const scale = (r: number, g = r, b = r): Matrix3 => [[r, 0, 0], [0, g, 0], [0, 0, b]];
