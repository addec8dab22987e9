import { describe, expect, it } from 'vitest';
import { sequence, sequenceIndices } from '../src/pipeline/modes.ts';

describe('sequence (pure)', () => {
  it('BOUNCE plays forward then back without repeating either end frame', () => {
    expect(sequenceIndices(5, 'BOUNCE')).toEqual([0, 1, 2, 3, 4, 3, 2, 1]);
    expect(sequence(['a', 'b', 'c'], 'BOUNCE')).toEqual(['a', 'b', 'c', 'b']);
    for (let n = 2; n <= 12; n++) expect(sequenceIndices(n, 'BOUNCE')).toHaveLength(2 * n - 2);
  });

  it('BOUNCE edge cases: 2 frames alternate, 1 frame stays, 0 frames is empty', () => {
    expect(sequenceIndices(2, 'BOUNCE')).toEqual([0, 1]);
    expect(sequenceIndices(1, 'BOUNCE')).toEqual([0]);
    expect(sequenceIndices(0, 'BOUNCE')).toEqual([]);
  });

  it('FORWARD and REVERSE keep the count', () => {
    expect(sequenceIndices(5, 'FORWARD')).toEqual([0, 1, 2, 3, 4]);
    expect(sequenceIndices(5, 'REVERSE')).toEqual([4, 3, 2, 1, 0]);
  });

  it('repeats the same objects rather than copies and leaves the input alone', () => {
    const frames = [{ id: 0 }, { id: 1 }, { id: 2 }];
    const out = sequence(frames, 'BOUNCE');
    expect(out[1]).toBe(out[3]);
    expect(frames.map((f) => f.id)).toEqual([0, 1, 2]);
    sequence(frames, 'REVERSE');
    expect(frames.map((f) => f.id)).toEqual([0, 1, 2]);
  });

  it('rejects nonsense', () => {
    expect(() => sequenceIndices(-1, 'FORWARD')).toThrow(RangeError);
    expect(() => sequenceIndices(3, 'SIDEWAYS' as never)).toThrow(/unknown loop mode/);
  });
});
