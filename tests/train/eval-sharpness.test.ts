import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { detailEnergy, downsampleArea, SCENE_KINDS, upsampleNearest } from '../../src/lib/data';
import { makeRng } from '../../src/lib/math/rng';
import { loadClassifier, parseClassifierManifest } from '../../src/lib/models/classifier';
import { gaussianBlur, shufflePixels } from '../../train/eval/corruptions';
import { GaussianAccumulator } from '../../train/eval/detail-features';
import { fitGaussian } from '../../train/eval/frechet';
import { bandEnergies, hfRatio } from '../../train/eval/high-frequency';
import { balancedHeldOut } from '../../train/eval/scene-sets';
import { sharpnessStudy, type LabelledSet } from '../../train/eval/sharpness-study';
import { wasmBackend } from './harness';

const image = (size: number, f: (i: number, j: number, c: number) => number) =>
  Float32Array.from({ length: size * size * 3 }, (_, k) => f(Math.floor(k / 3 / size), Math.floor(k / 3) % size, k % 3));

describe('high-frequency bands', () => {
  it('a 1-px checkerboard is all fine band, a 2-px one all mid band, a constant image neither', () => {
    const one = bandEnergies(image(8, (i, j) => ((i + j) % 2 ? 1 : -1)), 8);
    const two = bandEnergies(image(8, (i, j) => ((Math.floor(i / 2) + Math.floor(j / 2)) % 2 ? 1 : -1)), 8);
    const flat = bandEnergies(image(8, () => 0.4), 8);
    expect([one.fine[0], one.mid[0]]).toEqual([expect.closeTo(1, 6), expect.closeTo(0, 6)]);
    expect([two.fine[0], two.mid[0]]).toEqual([expect.closeTo(0, 6), expect.closeTo(1, 6)]);
    expect([flat.fine[0], flat.mid[0]]).toEqual([expect.closeTo(0, 9), expect.closeTo(0, 9)]);
  });

  it('the mid band is the mean square of up(down₂ x) − up(down₄ x) (the pyramid residuals are orthogonal)', () => {
    const rng = makeRng(7);
    const x = Float32Array.from({ length: 16 * 16 * 3 }, () => rng.range(-1, 1));
    const up2 = upsampleNearest(downsampleArea(x, 16, 2), 8, 2);
    const up4 = upsampleNearest(downsampleArea(x, 16, 4), 4, 4);
    const direct = up2.reduce((s, v, k) => s + (v - up4[k]) ** 2, 0) / x.length;
    const e = bandEnergies(x, 16);
    expect(e.mid[0]).toBeCloseTo(direct, 6);
    expect(e.fine[0]).toBeCloseTo(detailEnergy(x, 16, 2), 9);
  });

  it('a set against itself has ratio 1 overall and per kind and logError 0; twice the amplitude has ratio 4', () => {
    const energies = [0.1, 0.3, 0.2, 0.5];
    const labels = [0, 1, 0, 1];
    const same = hfRatio({ energies, labels }, { energies, labels }, ['a', 'b', 'c']);
    expect(same.ratio).toBe(1);
    expect(same.perKind).toEqual({ a: 1, b: 1, c: null }); // no scene of kind c in either set
    expect(same.logError).toBe(0);
    const louder = hfRatio({ energies: energies.map((e) => 4 * e), labels }, { energies, labels }, ['a', 'b']);
    expect(louder.ratio).toBeCloseTo(4, 12);
    expect(louder.logError).toBeCloseTo(Math.log(4), 12);
  });
});

describe('GaussianAccumulator', () => {
  it('gives fitGaussian’s mean and covariance for the same vectors added in chunks, even far from the origin', () => {
    const rng = makeRng(3);
    const d = 5;
    const rows = Float64Array.from({ length: 300 * d }, (_, k) => 1e4 + (k % d) + rng.normal() * (1 + (k % d)));
    const acc = new GaussianAccumulator(d);
    acc.add(rows.subarray(0, 7 * d));
    acc.add(rows.subarray(7 * d, 200 * d));
    acc.add(rows.subarray(200 * d));
    const g = acc.gaussian();
    const ref = fitGaussian(rows, d);
    expect(g.count).toBe(300);
    g.mean.forEach((v, j) => expect(v).toBeCloseTo(ref.mean[j], 8));
    g.cov.data.forEach((v, k) => expect(v).toBeCloseTo(ref.cov.data[k], 6));
  });
});

// Known inputs: held-out scenes against a second held-out set, its blurred copy (σ = 1.5 px, as the
// evaluation's) and its pixel-shuffled copy. 8 scenes of each kind per set keep the test to seconds.
describe('the sharpness study on known inputs (64² held-out scenes, the shipped classifier)', () => {
  const classifierDir = 'pretrained/scene-classifier';
  it.skipIf(!existsSync(`${classifierDir}/manifest.json`))('blur scores worse than the floor and pixel shuffling worst, on both figures', async () => {
    await wasmBackend();
    const cm = parseClassifierManifest(readFileSync(`${classifierDir}/manifest.json`, 'utf8'), 'manifest.json');
    const { classifier, weights } = await loadClassifier(cm, new Uint8Array(readFileSync(`${classifierDir}/${cm.weightsFile}`)));
    const [a, b] = balancedHeldOut(20250101, new Array(SCENE_KINDS.length).fill(8), 64, 2);
    const per = 64 * 64 * 3;
    const blurred = new Float32Array(b.x0.length);
    const shuffled = new Float32Array(b.x0.length);
    const rng = makeRng(1);
    for (let i = 0; i < b.labels.length; i++) {
      blurred.set(gaussianBlur(b.x0.subarray(i * per, (i + 1) * per), 64, 1.5), i * per);
      shuffled.set(shufflePixels(b.x0.subarray(i * per, (i + 1) * per), rng), i * per);
    }
    const sets: Record<string, LabelledSet> = { heldOut: b, blurred: { x0: blurred, labels: b.labels }, shuffled: { x0: shuffled, labels: b.labels } };
    const before = tf.memory().numTensors;
    const r = sharpnessStudy({ classifier, classifierWeights: weights, resolution: 64, kinds: SCENE_KINDS, reference: a, sets });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(weights));

    const hf = r.highFrequency as Record<string, { fine: { ratio: number; logError: number }; mid: { ratio: number; logError: number } }>;
    for (const band of ['fine', 'mid'] as const) {
      expect(hf.heldOutVsHeldOut[band].logError).toBeLessThan(hf.blurredVsHeldOut[band].logError);
      expect(hf.blurredVsHeldOut[band].ratio).toBeLessThan(1); // blur takes detail away
      expect(hf.shuffledVsHeldOut[band].ratio).toBeGreaterThan(1); // shuffling turns every pixel into an edge
    }
    expect(hf.blurredVsHeldOut.fine.logError).toBeLessThan(hf.shuffledVsHeldOut.fine.logError);
    expect(Math.abs(Math.log(hf.heldOutVsHeldOut.fine.ratio))).toBeLessThan(0.3);

    const fd = r.frechetDetail as Record<string, { distance: number }>;
    expect(fd.heldOutVsHeldOut.distance).toBeLessThan(fd.blurredVsHeldOut.distance);
    expect(fd.blurredVsHeldOut.distance).toBeLessThan(fd.shuffledVsHeldOut.distance);
    // With 56 scenes a set the floor is high (the spread between scenes); measured: blur 2.4× the floor
    // here, 32× with 500 scenes a set.
    expect(fd.blurredVsHeldOut.distance).toBeGreaterThan(2 * fd.heldOutVsHeldOut.distance);
  });
});
