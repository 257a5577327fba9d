import { bicubicUpsample } from '../../src/lib/data/bicubic';
import { describe, expect, it } from 'vitest';
import { downsampleArea } from '../../src/lib/data';
import { makeSchedule } from '../../src/lib/diffusion/schedule';
import sr256 from '../../train/configs/sr-256';
import { conditioning, cropWindow, depthToSpace, describeSrData, renderSrExamples, spaceToDepth, srTrainingBatch, type SrSettings } from '../../train/sr-data';
import { augAlphaBar, srInputs, srStepNoise } from '../../train/sr-objective';
import type { TrainConfig } from '../../train/train-config';

/** sr-256 at a small crop, so rendering stays fast; same fullSize, factor and windows logic. */
const small = (changes: Partial<SrSettings> = {}): TrainConfig => ({ ...structuredClone(sr256), resolution: 32, batch: 4, sr: { ...sr256.sr!, ...changes } });
const rms = (a: Float32Array, b: Float32Array): number => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

describe('super-resolution training data', () => {
  it('the low-res crop equals the high-res crop area-downsampled by the factor (the world renders area means)', () => {
    const c = small();
    const b = renderSrExamples(c, 'train', 0, 3);
    const crop = c.resolution, low = crop / 4;
    for (let i = 0; i < 3; i++) {
      const hi = b.x0.subarray(i * crop * crop * 3, (i + 1) * crop * crop * 3);
      const lo = b.lo.subarray(i * low * low * 3, (i + 1) * low * low * 3);
      const err = rms(downsampleArea(hi, crop, 4), lo);
      expect(err).toBeLessThan(0.02); // measured RMS 0.0000–0.015 over 32 crops of both stages (sub-pixel shapes are supersampled, not exact)
      expect(rms(lo, new Float32Array(lo.length))).toBeGreaterThan(0.05); // and the images are not blank
    }
  });

  it('crop windows lie inside the scene, on the low-res pixel grid, and differ between scenes', () => {
    const sr = sr256.sr!;
    const wins = Array.from({ length: 50 }, (_, i) => cropWindow(1000 + i, sr, 128));
    for (const w of wins) {
      expect(w.w).toBe(0.5);
      expect(w.x).toBeGreaterThanOrEqual(0);
      expect(w.x + w.w).toBeLessThanOrEqual(1);
      expect(Number.isInteger(w.x * 64) && Number.isInteger(w.y * 64)).toBe(true);
    }
    expect(new Set(wins.map((w) => `${w.x},${w.y}`)).size).toBeGreaterThan(20);
  });

  it('training and held-out scene seeds never overlap, and a step’s batch is reproducible', () => {
    const c = small();
    const train = new Set(Array.from({ length: 40 }, (_, s) => srTrainingBatch(c, s).seeds).flat());
    const held = renderSrExamples(c, 'heldout', 0, 40).seeds;
    expect(train.size).toBe(160);
    expect(held.filter((s) => train.has(s))).toEqual([]);
    for (const s of train) expect(s).toBeLessThan(2 ** 31);
    for (const s of held) expect(s).toBeGreaterThanOrEqual(2 ** 31);
    expect(srTrainingBatch(c, 7).x0).toEqual(srTrainingBatch(c, 7).x0);
  });

  it('aug level 0 leaves the low-res input clean; higher levels add forward-process noise of the right size', () => {
    const schedule = makeSchedule('cosine', { T: 1000 });
    expect(augAlphaBar(schedule, 0)).toBe(1);
    const low = 8, lo = Float32Array.from({ length: low * low * 3 * 2 }, (_, i) => Math.sin(i));
    const eps = Float32Array.from({ length: lo.length }, (_, i) => (i % 2 ? 1 : -1));
    const out = conditioning(lo, eps, [1, augAlphaBar(schedule, 0.5)], low, 4);
    const per = low * low * 3;
    expect(out.subarray(0, per * 16)).toEqual(bicubicUpsample(lo.subarray(0, per), low, 4)); // the bicubic upsample of the exact low-res values
    const ab = augAlphaBar(schedule, 0.5);
    const noisyLow = Float32Array.from({ length: per }, (_, k) => Math.sqrt(ab) * lo[per + k] + Math.sqrt(1 - ab) * eps[per + k]);
    const want = bicubicUpsample(noisyLow, low, 4);
    out.subarray(per * 16).forEach((v, k) => expect(v).toBeCloseTo(want[k], 5));
  });

  it('aug levels are drawn in [0, augMax], differ per example, and are a function of (seed, step)', () => {
    const c = small({ augMax: 0.6 });
    const b = srTrainingBatch(c, 3);
    const n = srStepNoise(c, 3, b);
    expect(n.augLevels).toHaveLength(4);
    for (const a of n.augLevels) expect(a >= 0 && a <= 0.6).toBe(true);
    expect(new Set(n.augLevels).size).toBe(4);
    expect(srStepNoise(c, 3, b)).toEqual(n);
    expect(srStepNoise(c, 4, b).augLevels).not.toEqual(n.augLevels);
    const zero = srStepNoise(small({ augMax: 0 }), 3, b);
    const inp = srInputs(small({ augMax: 0 }), b, zero, makeSchedule('cosine', { T: 1000 }));
    expect(depthToSpace(inp.extra, 4, 32, 3, 4).subarray(0, 32 * 32 * 3)).toEqual(bicubicUpsample(b.lo.subarray(0, 8 * 8 * 3), 8, 4));
  });

  it('from sr.augZeroFrom on, about sr.augZeroShare of the aug levels are exactly 0 and the others as before', () => {
    const c = small({ augMax: 0.6, augZeroShare: 0.5, augZeroFrom: 10 });
    const b = srTrainingBatch(c, 3);
    expect(srStepNoise(c, 9, b)).toEqual(srStepNoise(small({ augMax: 0.6 }), 9, b)); // before augZeroFrom: unchanged
    let zeros = 0, total = 0;
    for (let step = 10; step < 60; step++) {
      const n = srStepNoise(c, step, b);
      const plain = srStepNoise(small({ augMax: 0.6 }), step, b);
      expect(n.augEps).toEqual(plain.augEps); // the aug noise is drawn as before
      n.augLevels.forEach((a, i) => expect(a === 0 || a === plain.augLevels[i]).toBe(true));
      zeros += n.augLevels.filter((a) => a === 0).length;
      total += n.augLevels.length;
    }
    expect(zeros / total).toBeGreaterThan(0.35);
    expect(zeros / total).toBeLessThan(0.65);
    expect(describeSrData(c, 100)).toContain('from step 10 on 50% of them set to 0');
    expect(describeSrData(c, 10)).not.toContain('set to 0'); // the run ended before the share began
  });

  it('the manifest words name the render size, the low-res size and the aug range', () => {
    const words = describeSrData(sr256, 7000);
    expect(words).toContain('112000 crops of 128×128 px');
    expect(words).toContain('rendered at 256×256');
    expect(words).toContain('32×32 px');
    expect(words).toContain('U[0, 0.6]');
  });

  it('space-to-depth is a permutation that depth-to-space inverts, one cell per k×k block', () => {
    const img = Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => i);
    const cells = spaceToDepth(img, 2, 8, 3, 4);
    expect(depthToSpace(cells, 2, 8, 3, 4)).toEqual(img);
    expect([...cells].sort((a, b) => a - b)).toEqual([...img]);
    // cell (0, 1) of image 0, sub-pixel (dy 1, dx 2), channel 0 = pixel (y 1, x 4 + 2)
    expect(cells[(0 * 2 + 1) * 48 + (1 * 4 + 2) * 3]).toBe((1 * 8 + 6) * 3);
  });
});
