// ε ↔ x̂₀ ↔ v conversions (Salimans & Ho 2022, §4): every pair round-trips at several noise levels.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { qSample } from '../../../src/lib/diffusion/forward';
import {
  epsAndX0,
  epsFromV,
  epsFromX0,
  predictionTarget,
  vFromEpsX0,
  x0FromEps,
  x0FromV,
} from '../../../src/lib/diffusion/prediction';
import { fillNormal, makeRng } from '../../../src/lib/math/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

const shape = [2, 8, 8, 3];
function pair(seed: number): { x0: tf.Tensor; eps: tf.Tensor } {
  const rng = makeRng(seed);
  const n = shape.reduce((a, b) => a * b);
  const x0 = tf.tanh(tf.tensor(fillNormal(new Float32Array(n), rng), shape)); // image-like, in (−1, 1)
  return { x0, eps: tf.tensor(fillNormal(new Float32Array(n), rng), shape) };
}

describe('prediction conversions', () => {
  it.each([0.999, 0.5, 0.05])('round-trip ε, x̂₀ and v exactly (to float32) at ᾱ = %f', (ab) => {
    tf.tidy(() => {
      const { x0, eps } = pair(11);
      const xt = qSample(x0, eps, ab);
      expect(maxAbsDiff(x0FromEps(xt, eps, ab), x0)).toBeLessThan(1e-4 / Math.sqrt(ab));
      expect(maxAbsDiff(epsFromX0(xt, x0, ab), eps)).toBeLessThan(1e-4 / Math.sqrt(1 - ab));
      const v = vFromEpsX0(eps, x0, ab);
      expect(maxAbsDiff(x0FromV(xt, v, ab), x0)).toBeLessThan(1e-5);
      expect(maxAbsDiff(epsFromV(xt, v, ab), eps)).toBeLessThan(1e-5);
    });
  });

  it('v is √ᾱ·ε − √(1−ᾱ)·x0, and (x_t, v) is a rotation of (x0, ε): ‖x_t‖² + ‖v‖² = ‖x0‖² + ‖ε‖²', () => {
    tf.tidy(() => {
      const { x0, eps } = pair(12);
      const ab = 0.3;
      const v = vFromEpsX0(eps, x0, ab);
      const manual = tf.sub(tf.mul(eps, Math.sqrt(ab)), tf.mul(x0, Math.sqrt(1 - ab)));
      expect(maxAbsDiff(v, manual)).toBeLessThan(1e-6);
      const xt = qSample(x0, eps, ab);
      const sq = (t: tf.Tensor) => tf.sum(tf.square(t)).dataSync()[0];
      expect((sq(xt) + sq(v)) / (sq(x0) + sq(eps))).toBeCloseTo(1, 5);
    });
  });

  it('x̂₀ from v stays finite at ᾱ = 0, where x̂₀ from ε divides by zero', () => {
    tf.tidy(() => {
      const { x0, eps } = pair(13);
      const xt = qSample(x0, eps, 0);
      const v = vFromEpsX0(eps, x0, 0);
      expect(maxAbsDiff(x0FromV(xt, v, 0), x0)).toBeLessThan(1e-6);
      expect(Number.isFinite(tf.max(tf.abs(x0FromEps(xt, eps, 0))).dataSync()[0])).toBe(false);
    });
  });

  it.each(['eps', 'v', 'x0'] as const)('epsAndX0 recovers the true ε and x0 from a perfect %s output', (kind) => {
    tf.tidy(() => {
      const { x0, eps } = pair(14);
      const ab = 0.6;
      const xt = qSample(x0, eps, ab);
      const out = epsAndX0(kind, xt, predictionTarget(kind, x0, eps, ab), ab);
      expect(maxAbsDiff(out.x0, x0)).toBeLessThan(1e-5);
      expect(maxAbsDiff(out.eps, eps)).toBeLessThan(1e-5);
    });
  });

  it('with a clip, x̂₀ lies in the range and ε̂ is re-derived so x_t = √ᾱ·x̂₀ + √(1−ᾱ)·ε̂ still holds', () => {
    tf.tidy(() => {
      const ab = 0.2;
      const xt = tf.tensor([3, -3, 0.1, 0.5]);
      const wild = tf.tensor([5, -4, 0.2, 0.3]); // an x̂₀ prediction far outside [−1, 1]
      const { eps, x0 } = epsAndX0('x0', xt, wild, ab, [-1, 1]);
      expect(Array.from(x0.dataSync())).toEqual(Array.from(tf.tensor([1, -1, 0.2, 0.3]).dataSync()));
      expect(maxAbsDiff(qSample(x0, eps, ab), xt)).toBeLessThan(1e-5);
    });
  });

  it('leaves exactly its two results behind', () => {
    const { x0, eps } = pair(15);
    const before = tf.memory().numTensors;
    const out = epsAndX0('v', x0, eps, 0.5, [-1, 1]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x0, eps, out.eps, out.x0]);
  });
});
