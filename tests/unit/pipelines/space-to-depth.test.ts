// The pipeline's space-to-depth is the layout the SR models were trained in: it matches
// train/sr-data.ts value for value, and depth-to-space undoes it.
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../src/lib/math/rng';
import { depthToSpace, spaceToDepth } from '../../../src/lib/pipelines/space-to-depth';
import * as train from '../../../train/sr-data';

const random = (n: number, seed: number) => {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
};

describe('space-to-depth', () => {
  it.each([1, 2, 4])('matches train/sr-data.ts for block %i, and depth-to-space inverts it', (k) => {
    const img = random(16 * 16 * 3, k);
    const cells = spaceToDepth(img, 16, 3, k);
    expect(cells).toEqual(train.spaceToDepth(img, 1, 16, 3, k));
    expect(depthToSpace(cells, 16, 3, k)).toEqual(img);
    expect(depthToSpace(cells, 16, 3, k)).toEqual(train.depthToSpace(cells, 1, 16, 3, k));
  });

  it('puts pixel (gy·k + dy, gx·k + dx) channel c at cell (gy, gx) channel (dy·k + dx)·3 + c', () => {
    const img = Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => i);
    const cells = spaceToDepth(img, 8, 3, 4); // [2, 2, 48]
    const [gy, gx, dy, dx, c] = [1, 0, 2, 3, 1];
    expect(cells[(gy * 2 + gx) * 48 + (dy * 4 + dx) * 3 + c]).toBe(img[((gy * 4 + dy) * 8 + gx * 4 + dx) * 3 + c]);
  });

  it('refuses a block that does not divide the side, or the wrong number of values', () => {
    expect(() => spaceToDepth(new Float32Array(10 * 10 * 3), 10, 3, 4)).toThrow(/must divide/);
    expect(() => depthToSpace(new Float32Array(5), 8, 3, 4)).toThrow(/values/);
  });
});
