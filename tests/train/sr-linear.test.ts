import { describe, expect, it } from 'vitest';
import { bicubicUpsample } from '../../src/lib/data/bicubic';
import { makeRng } from '../../src/lib/math/rng';
import { fitLinearUpsampler, linearUpsample, solveNormal, trainingPairs } from '../../train/eval/sr-linear';
import { sceneSeed } from '../../train/dataset';

describe('the least-squares linear upsampler (evaluation yardstick)', () => {
  it('solves the normal equations', () => {
    const a = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const w = Float64Array.from([1, -2, 0.5, 3, 2, 1]); // 3×2
    const b = new Float64Array(6);
    for (let i = 0; i < 3; i++) for (let o = 0; o < 2; o++) for (let j = 0; j < 3; j++) b[i * 2 + o] += a[i * 3 + j] * w[j * 2 + o];
    solveNormal(a.slice(), b, 3, 2).forEach((v, k) => expect(v).toBeCloseTo(w[k], 10));
  });

  it('recovers a residual that is a linear map of the low-res neighbourhood, and is bicubic with zero weights', () => {
    const rng = makeRng(11);
    const factor = 2, radius = 1, low = 8, size = low * factor;
    const n = (2 * radius + 1) ** 2 * 3 + 1, m = factor * factor * 3;
    const known = { factor, radius, weights: Float64Array.from({ length: n * m }, () => rng.range(-0.05, 0.05)) };
    const pairs = Array.from({ length: 6 }, () => {
      const lo = Float32Array.from({ length: low * low * 3 }, () => rng.range(-0.3, 0.3));
      return { low: lo, truth: linearUpsample(known, lo, low) };
    });
    const fit = fitLinearUpsampler(pairs, size, factor, radius, 1e-9);
    const test = Float32Array.from({ length: low * low * 3 }, () => rng.range(-0.3, 0.3));
    const want = linearUpsample(known, test, low);
    linearUpsample(fit, test, low).forEach((v, k) => expect(v).toBeCloseTo(want[k], 5));
    const zero = { factor, radius, weights: new Float64Array(n * m) };
    const big = Float32Array.from({ length: low * low * 3 }, () => rng.range(-1, 1));
    expect(linearUpsample(zero, big, low)).toEqual(bicubicUpsample(big, low, factor).map((v) => Math.min(1, Math.max(-1, v))));
  });

  it('fits on training scenes only', () => {
    const pairs = trainingPairs(7, 2, 32, 4);
    expect(pairs).toHaveLength(2);
    expect(pairs[0].low).toHaveLength(8 * 8 * 3);
    expect(sceneSeed(7, 'train', 0) >>> 31).toBe(0); // the training half of the seed space (dataset.ts)
  });
});
