import { describe, expect, it } from 'vitest';
import { previewWanted } from '../../../src/lib/pipelines/super-resolution';

describe('previewWanted: which steps read x̂₀ back', () => {
  const picked = (preview: boolean | number | undefined, steps: number) =>
    Array.from({ length: steps }, (_, i) => i).filter((i) => previewWanted(preview, i, steps));

  it('true reads every step, false, undefined and 0 none', () => {
    expect(picked(true, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(picked(false, 5)).toEqual([]);
    expect(picked(undefined, 5)).toEqual([]);
    expect(picked(0, 5)).toEqual([]);
  });

  it('k reads every k-th step from the first, and always the last', () => {
    expect(picked(4, 10)).toEqual([0, 4, 8, 9]);
    expect(picked(5, 10)).toEqual([0, 5, 9]);
    expect(picked(1, 3)).toEqual([0, 1, 2]);
  });
});
