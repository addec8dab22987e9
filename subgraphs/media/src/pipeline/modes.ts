import type { LoopMode } from './types.ts';

/**
 * Playback order as input indices. BOUNCE plays 0..n-1 then n-2..1: the two end frames are not
 * repeated, because the loop wraps from the last index back to 0 and a repeated end frame
 * reads as a stutter. n frames → 2n−2 (a single frame stays a single frame).
 */
export function sequenceIndices(n: number, mode: LoopMode): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`frame count must be a non-negative integer, got ${n}`);
  const forward = Array.from({ length: n }, (_, i) => i);
  switch (mode) {
    case 'FORWARD':
      return forward;
    case 'REVERSE':
      return forward.reverse();
    case 'BOUNCE':
      return n < 2 ? forward : [...forward, ...forward.slice(1, -1).reverse()];
    default:
      throw new RangeError(`unknown loop mode ${String(mode)}`);
  }
}

/** The frames in playback order. Repeated entries are the same object (encoders rely on that). */
export function sequence<T>(frames: readonly T[], mode: LoopMode): T[] {
  return sequenceIndices(frames.length, mode).map((i) => frames[i]!);
}
