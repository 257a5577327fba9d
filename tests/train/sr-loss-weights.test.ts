import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../../src/lib/math/rng';
import { makeSchedule } from '../../src/lib/diffusion/schedule';
import { buildUNet } from '../../src/lib/models/unet';
import { srSigmaData } from '../../src/lib/pipelines/sr-precondition';
import { srHeldOutBatch } from '../../train/sr-data';
import { augAlphaBar, componentWeights, srEvalLoss, srHeldOutLoss, srStepNoise } from '../../train/sr-objective';
import { srPreconditionOf } from '../../train/sr-residual';
import { wasmBackend } from './harness';
import { tinySrConfig } from './sr-harness';

describe('σ_d²-weighted super-resolution loss (sr.varianceWeightFrom)', () => {
  const config = tinySrConfig({ steps: 40 });
  const schedule = makeSchedule(config.schedule, { T: config.T });
  beforeAll(wasmBackend);

  it('weights each component by its σ_d² at the example\'s aug level, with mean 1 per example', () => {
    const p = srPreconditionOf(config)!;
    const abs = [1, augAlphaBar(schedule, 0.5)];
    const w = componentWeights(p, abs);
    const rows = w.arraySync() as number[][][][];
    w.dispose();
    abs.forEach((ab, i) => {
      const s = srSigmaData(p, ab) as number[];
      const row = rows[i][0][0];
      expect(row).toHaveLength(12);
      expect(row.reduce((a, b) => a + b, 0) / row.length).toBeCloseTo(1, 5);
      row.forEach((v, k) => expect(v / row[0]).toBeCloseTo((s[k] / s[0]) ** 2, 4));
    });
    expect(Math.max(...rows[0][0][0]) / Math.min(...rows[0][0][0])).toBeGreaterThan(4); // the components differ a lot
  });

  it('applies from sr.varianceWeightFrom on, changes the training loss, and never the held-out figure', () => {
    const c = tinySrConfig({ steps: 40, sr: { ...config.sr!, varianceWeightFrom: 10 } });
    const batch = srHeldOutBatch(c, 4);
    expect(srStepNoise(c, 9, batch).varianceWeighted).toBe(false);
    expect(srStepNoise(c, 10, batch).varianceWeighted).toBe(true);
    const unet = buildUNet(c.model);
    const weights = Object.fromEntries([...unet.init(makeRng(3))].map(([k, a]) => [k, tf.tensor(a, unet.specs.find((s) => s.name === k)!.shape)]));
    const before = tf.memory().numTensors;
    const noise = srStepNoise(c, 10, batch);
    const weighted = srEvalLoss(unet, weights, batch, noise, c, schedule);
    const plain = srEvalLoss(unet, weights, batch, { ...noise, varianceWeighted: false }, c, schedule);
    expect(Math.abs(weighted - plain) / plain).toBeGreaterThan(0.01);
    expect(srHeldOutLoss(unet, weights, c, schedule, 4)).toBe(srHeldOutLoss(unet, weights, config, schedule, 4));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(weights);
  });
});
