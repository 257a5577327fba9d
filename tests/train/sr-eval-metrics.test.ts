// The super-resolution evaluation's measures on inputs whose answer is known: Keys bicubic (constants,
// ramps and quadratics reproduced away from the border), capped PSNR, HF energy, consistency; the
// held-out scene set; the crops grid's windows and layout.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { downsampleArea, upsampleNearest } from '../../src/lib/data';
import { makeRng } from '../../src/lib/math/rng';
import { sceneSeed } from '../../train/dataset';
import { bicubicUpsample, keysKernel } from '../../src/lib/data/bicubic';
import { busiestWindow, cropImage, srCropsPng } from '../../train/eval/sr-grid';
import { cappedPsnr, highFrequencyEnergy, PSNR_CAP_DB, scoreUpsample } from '../../train/eval/sr-metrics';
import { kindCounts, srHeldOutScenes } from '../../train/eval/sr-scenes';

/** [n, n, 3] with value f(x, y, c) at pixel (x, y) (x, y = pixel indices). */
const image = (n: number, f: (x: number, y: number, c: number) => number) =>
  Float32Array.from({ length: n * n * 3 }, (_, k) => f(Math.floor(k / 3) % n, Math.floor(k / 3 / n), k % 3));

describe('bicubic upsampling (Keys, a = −0.5)', () => {
  it('has the interpolating kernel: W(0) = 1, W(±1) = W(±2) = 0, and each phase\'s weights sum to 1', () => {
    expect([keysKernel(0), keysKernel(1), keysKernel(-1), keysKernel(2), keysKernel(2.5)]).toEqual([1, 0, 0, 0, 0]);
    for (const t of [0.125, 0.375, 0.5, 0.875]) expect(keysKernel(1 + t) + keysKernel(t) + keysKernel(1 - t) + keysKernel(2 - t)).toBeCloseTo(1, 12);
    expect(keysKernel(1.5)).toBeLessThan(0); // the negative lobe that sharpens, unlike a B-spline
  });

  it('keeps a constant image constant, borders included', () => {
    const up = bicubicUpsample(new Float32Array(6 * 6 * 3).fill(-0.37), 6, 4);
    expect(up.length).toBe(24 * 24 * 3);
    up.forEach((v) => expect(v).toBeCloseTo(-0.37, 6));
  });

  it('reproduces a linear ramp and a quadratic exactly where no tap leaves the image, at pixel-centre positions', () => {
    const n = 10, f = 4;
    const ramp = (u: number, v: number, c: number) => 0.05 * u - 0.03 * v + 0.1 * c - 0.2;
    const quad = (u: number, v: number) => 0.01 * (u - 4) ** 2 - 0.008 * v * v;
    for (const g of [ramp, quad]) {
      const up = bicubicUpsample(image(n, g), n, f);
      let checked = 0;
      for (let y = 0; y < n * f; y++)
        for (let x = 0; x < n * f; x++) {
          const [u, v] = [(x + 0.5) / f - 0.5, (y + 0.5) / f - 0.5]; // the source coordinate of output pixel (x, y)
          if (Math.floor(u) < 1 || Math.floor(u) + 2 > n - 1 || Math.floor(v) < 1 || Math.floor(v) + 2 > n - 1) continue;
          for (let c = 0; c < 3; c++) expect(up[(y * n * f + x) * 3 + c]).toBeCloseTo(g(u, v, c), 5);
          checked++;
        }
      expect(checked).toBeGreaterThan(400);
    }
    // At the border the clamped taps bend the ramp: the first output pixel is not on the line.
    const up = bicubicUpsample(image(n, ramp), n, f);
    expect(Math.abs(up[0] - ramp(-0.375, -0.375, 0))).toBeGreaterThan(1e-3);
  });

  it('rejects images of the wrong size and non-integer factors', () => {
    expect(() => bicubicUpsample(new Float32Array(10), 2, 2)).toThrow(/12 values/);
    expect(() => bicubicUpsample(new Float32Array(12), 2, 1.5)).toThrow(/positive integer/);
  });
});

describe('PSNR, HF energy and consistency', () => {
  it('PSNR is capped for identical images and exact for a known error', () => {
    const a = image(8, (x, y) => (x - y) / 10);
    expect(cappedPsnr(a, a)).toBe(PSNR_CAP_DB);
    expect(cappedPsnr(a, a.map((v) => v + 0.02))).toBeCloseTo(40, 4); // MSE 4·10⁻⁴ on a range of 2
  });

  it('HF energy is 0 for a block-constant image, small for a smooth one and large for noise', () => {
    const rng = makeRng(3);
    const blocks = upsampleNearest(image(4, (x, y, c) => (x + 2 * y + c) / 10 - 0.5), 4, 4);
    const smooth = image(16, (x, y) => Math.sin(x / 5) * Math.cos(y / 7) * 0.5);
    const noisy = smooth.map((v) => v + 0.2 * rng.normal());
    expect(highFrequencyEnergy(blocks, 16, 4)).toBe(0);
    expect(highFrequencyEnergy(smooth, 16, 4)).toBeGreaterThan(0);
    expect(highFrequencyEnergy(smooth, 16, 4) * 5).toBeLessThan(highFrequencyEnergy(noisy, 16, 4));
  });

  it('nearest upsampling of the true input is perfectly consistent and has no HF; the truth itself scores the cap', () => {
    const rng = makeRng(4);
    const truth = image(16, () => rng.range(-1, 1));
    const low = downsampleArea(truth, 16, 4);
    const near = scoreUpsample(upsampleNearest(low, 4, 4), truth, low, 16, 4);
    expect(near.hf).toBe(0);
    expect(near.consistency).toBeLessThan(1e-12);
    expect(near.psnr).toBeLessThan(PSNR_CAP_DB);
    expect(scoreUpsample(truth, truth, low, 16, 4).psnr).toBe(PSNR_CAP_DB);
  });
});

describe('held-out scenes and the crops grid', () => {
  it('takes held-out seeds only, kinds round-robin, with the area-downsampled truth as input', () => {
    expect(kindCounts(9)).toEqual([2, 2, 1, 1, 1, 1, 1]);
    expect(() => kindCounts(0)).toThrow(/positive integer/);
    const scenes = srHeldOutScenes(20250256, 9, 16, 4);
    expect(scenes.map((s) => s.kind)).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1]);
    const heldOut = new Set(Array.from({ length: 200 }, (_, i) => sceneSeed(20250256, 'heldout', i)));
    for (const s of scenes) {
      expect(s.seed >>> 31).toBe(1); // the top bit marks held-out seeds (train/dataset.ts)
      expect(heldOut.has(s.seed)).toBe(true);
      expect(s.low).toEqual(downsampleArea(s.truth, 16, 4));
    }
  });

  it('crops the window where the truth has the most fine detail, and lays out labelled rows of four tiles', () => {
    const rng = makeRng(5);
    const truth = image(32, (x, y) => (x >= 16 && x < 24 && y >= 8 && y < 16 ? rng.range(-1, 1) : 0.1));
    expect(busiestWindow(truth, 32, 8, 4)).toEqual({ x: 16, y: 8 });
    expect(cropImage(truth, 32, 16, 8, 8)).toEqual(image(8, (x, y, c) => truth[((8 + y) * 32 + 16 + x) * 3 + c]));
    expect(() => cropImage(truth, 32, 28, 0, 8)).toThrow(/leaves/);
    const low = downsampleArea(truth, 32, 4);
    const row = { label: 'coast', low, bicubic: bicubicUpsample(low, 8, 4), model: truth, truth };
    const { png, legend, windows } = srCropsPng([row, row], { size: 32, factor: 4, crop: 8, zoom: 4 });
    const decoded = PNG.sync.read(png);
    expect(decoded.height).toBeGreaterThanOrEqual(2 * 8 * 4);
    expect(decoded.width).toBeGreaterThanOrEqual(4 * 8 * 4);
    expect(windows).toEqual([{ x: 16, y: 8 }, { x: 16, y: 8 }]);
    expect(legend).toMatch(/low-res, bicubic, model, truth/);
    // With the net-off sample, a fifth column sits between bicubic and model, and shows that sample.
    const off = PNG.sync.read(srCropsPng([{ ...row, netOff: image(32, () => -1) }, { ...row, netOff: image(32, () => -1) }], { size: 32, factor: 4, crop: 8, zoom: 4 }).png);
    expect(off.width - decoded.width).toBe(8 * 4 + 4);
    const tileLeft = (col: number) => off.width - (5 - col) * (8 * 4 + 4);
    const at = (img: PNG, x: number, y: number) => img.data[(y * img.width + x) * 4];
    expect(at(off, tileLeft(2) + 5, off.height - 10)).toBe(0); // the net-off tile: black (−1)
    expect(at(off, tileLeft(3) + 5, off.height - 10)).toBe(at(decoded, decoded.width - 2 * (8 * 4 + 4) + 5, decoded.height - 10)); // the model tile, as before
    expect(srCropsPng([{ ...row, netOff: truth }], { size: 32, factor: 4, crop: 8, zoom: 4 }).legend).toMatch(/low-res, bicubic, net off, model, truth/);
  });
});
