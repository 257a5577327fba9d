// L_simple (DDPM Eq. 14) for ε-, v- and x0-targets, and the v-loss = (1 + SNR)·x-loss identity (Salimans & Ho 2022).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { qSampleBatch } from '../../../src/lib/diffusion/forward';
import { diffusionLoss, lSimple, minSnrWeights, sampleTrainingSteps, trainingTarget, weightedLSimple } from '../../../src/lib/diffusion/losses';
import { vFromEpsX0, x0FromV } from '../../../src/lib/diffusion/prediction';
import { fillNormal, makeRng } from '../../../src/lib/math/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shape = [3, 4, 4, 2];
function batch(seed: number): { x0: tf.Tensor; eps: tf.Tensor } {
  const rng = makeRng(seed);
  const n = shape.reduce((a, b) => a * b);
  return {
    x0: tf.tensor(fillNormal(new Float32Array(n), rng), shape),
    eps: tf.tensor(fillNormal(new Float32Array(n), rng), shape),
  };
}

describe('losses', () => {
  it('lSimple is the mean of squared differences', () => {
    tf.tidy(() => {
      const loss = lSimple(tf.tensor([1, 2, 3, 4]), tf.tensor([1, 0, 3, 1]));
      expect(loss.shape).toEqual([]);
      expect(loss.dataSync()[0]).toBeCloseTo((0 + 4 + 0 + 9) / 4, 6);
    });
  });

  it('a perfect prediction has zero loss for every target kind', () => {
    tf.tidy(() => {
      const { x0, eps } = batch(1);
      const abs = [0.9, 0.4, 0.02];
      for (const kind of ['eps', 'v', 'x0'] as const) {
        const perfect = trainingTarget(kind, x0, eps, abs);
        expect(diffusionLoss(kind, perfect, x0, eps, abs).dataSync()[0]).toBe(0);
      }
      expect(diffusionLoss('eps', tf.zerosLike(eps), x0, eps, abs).dataSync()[0]).toBeGreaterThan(0.5);
    });
  });

  it('the v-target of each example uses that example’s ᾱ', () => {
    tf.tidy(() => {
      const { x0, eps } = batch(2);
      const abs = [0.9, 0.4, 0.02];
      const rows = tf.unstack(trainingTarget('v', x0, eps, abs));
      const x0Rows = tf.unstack(x0);
      const epsRows = tf.unstack(eps);
      abs.forEach((ab, i) => {
        const v = vFromEpsX0(epsRows[i], x0Rows[i], ab);
        expect(tf.max(tf.abs(tf.sub(rows[i], v))).dataSync()[0]).toBeLessThan(1e-6);
      });
    });
  });

  it('an error δ in v̂ is an x̂₀ error of √(1−ᾱ)·δ: the v-loss is the x-loss weighted by 1 + SNR', () => {
    tf.tidy(() => {
      const { x0, eps } = batch(3);
      const ab = 0.3;
      const abs = [ab, ab, ab];
      const xt = qSampleBatch(x0, eps, abs);
      const v = trainingTarget('v', x0, eps, abs);
      const vHat = tf.add(v, tf.mul(tf.sin(tf.mul(x0, 3)), 0.2)); // some structured error
      const vLoss = lSimple(vHat, v).dataSync()[0];
      const xLoss = lSimple(x0FromV(xt, vHat, ab), x0).dataSync()[0];
      expect(vLoss / xLoss).toBeCloseTo(1 + ab / (1 - ab), 4);
    });
  });

  it('training steps are uniform on {1..T}', () => {
    const ts = sampleTrainingSteps(50_000, 1000, makeRng(1));
    expect(Math.min(...ts)).toBe(1);
    expect(Math.max(...ts)).toBe(1000);
    expect(ts.every(Number.isInteger)).toBe(true);
    expect(ts.reduce((a, b) => a + b, 0) / ts.length).toBeCloseTo(500.5, -1);
  });

  it('rejects a wrong number of noise levels for v', () => {
    const { x0, eps } = batch(4);
    expect(() => trainingTarget('v', x0, eps, [0.5])).toThrow(RangeError);
    tf.dispose([x0, eps]);
  });

  it('Min-SNR-γ weighs every target so that its x₀-loss weight is min(SNR, γ) (Hang et al. 2023)', () => {
    const abs = [0.5, 0.9, 0.99]; // SNR 1, 9, 99
    const snr = abs.map((a) => a / (1 - a));
    for (const [kind, xWeight] of [['eps', (s: number) => s], ['x0', () => 1], ['v', (s: number) => s + 1]] as const) {
      const w = minSnrWeights(kind, abs, 5);
      w.forEach((wi, i) => expect(wi * xWeight(snr[i]), `${kind} at SNR ${snr[i]}`).toBeCloseTo(Math.min(snr[i], 5), 6));
    }
    expect(minSnrWeights('v', [0.5], 5)[0]).toBeCloseTo(0.5, 12); // SNR 1 < γ: the v-loss halves
  });

  it('weightedLSimple is lSimple for unit weights and weighs each example\'s mean by its own weight', () => {
    const out = tf.tensor([[1, 2], [3, 5]]);
    const target = tf.tensor([[0, 0], [3, 3]]);
    expect(weightedLSimple(out, target, [1, 1]).dataSync()[0]).toBeCloseTo(lSimple(out, target).dataSync()[0], 6);
    // example means: (1 + 4)/2 = 2.5 and (0 + 4)/2 = 2 → (3·2.5 + 0·2)/2
    expect(weightedLSimple(out, target, [3, 0]).dataSync()[0]).toBeCloseTo(3.75, 6);
    expect(() => weightedLSimple(out, target, [1])).toThrow(RangeError);
    tf.dispose([out, target]);
  });
});
