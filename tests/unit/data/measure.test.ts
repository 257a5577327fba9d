import { describe, expect, it } from 'vitest';
import { detailEnergy, downsampleArea, mse, psnr, upsampleNearest } from '../../../src/lib/data/measure';

function image(size: number, f: (i: number, j: number, c: number) => number): Float32Array {
  const out = new Float32Array(size * size * 3);
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) for (let c = 0; c < 3; c++) out[(j * size + i) * 3 + c] = f(i, j, c);
  return out;
}

describe('measure', () => {
  it('downsampleArea averages each factor×factor block per channel', () => {
    const img = image(4, (i, j, c) => i + 10 * j + 100 * c);
    const d = downsampleArea(img, 4, 2);
    expect(d.length).toBe(2 * 2 * 3);
    // block (0,0): i∈{0,1}, j∈{0,1} → mean 0.5 + 5 = 5.5; channel 2 adds 200
    expect(d[0]).toBeCloseTo(5.5, 6);
    expect(d[2]).toBeCloseTo(205.5, 6);
    // block (1,1): i∈{2,3}, j∈{2,3} → 2.5 + 25
    expect(d[(1 * 2 + 1) * 3]).toBeCloseTo(27.5, 6);
  });

  it('downsampleArea rejects a factor that does not divide the size', () => {
    expect(() => downsampleArea(new Float32Array(6 * 6 * 3), 6, 4)).toThrow();
  });

  it('upsampleNearest then downsampleArea is the identity', () => {
    const img = image(8, (i, j, c) => Math.sin(i * 1.3 + j * 0.7 + c));
    const back = downsampleArea(upsampleNearest(img, 8, 4), 32, 4);
    for (let k = 0; k < img.length; k++) expect(back[k]).toBeCloseTo(img[k], 6);
  });

  it('psnr uses peak-to-peak 2: an offset of 0.2 everywhere is 10·log10(4/0.04) = 20 dB', () => {
    const a = image(4, () => 0), b = image(4, () => 0.2);
    expect(mse(a, b)).toBeCloseTo(0.04, 6);
    expect(psnr(a, b)).toBeCloseTo(20, 4);
    expect(psnr(a, a)).toBe(Infinity);
  });

  it('detailEnergy is zero for block-constant images and 1 for a ±1 pixel checkerboard', () => {
    expect(detailEnergy(upsampleNearest(image(4, (i, j) => i - j), 4, 4), 16, 4)).toBe(0);
    expect(detailEnergy(image(8, (i, j) => ((i + j) % 2 ? 1 : -1)), 8, 2)).toBeCloseTo(1, 6);
  });
});
