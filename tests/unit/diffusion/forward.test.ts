// The forward process q(x_t | x_0) = N(√ᾱ x_0, (1 − ᾱ) I): tensor and typed-array versions agree with the formula.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { qSample, qSampleBatch, qSampleInto } from '../../../src/lib/diffusion/forward';
import { fillNormal, makeRng } from '../../../src/lib/math/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('qSample', () => {
  it('computes √ᾱ·x0 + √(1−ᾱ)·ε elementwise, like qSampleInto', () => {
    const rng = makeRng(1);
    const x0 = fillNormal(new Float32Array(2 * 4 * 4 * 3), rng);
    const eps = fillNormal(new Float32Array(x0.length), rng);
    const xt = qSample(tf.tensor(x0, [2, 4, 4, 3]), tf.tensor(eps, [2, 4, 4, 3]), 0.3);
    expect(xt.shape).toEqual([2, 4, 4, 3]);
    const expected = x0.map((v, i) => Math.sqrt(0.3) * v + Math.sqrt(0.7) * eps[i]);
    expect(maxAbsDiff(xt.dataSync(), expected)).toBeLessThan(1e-6);
    expect(maxAbsDiff(qSampleInto(new Float32Array(x0.length), x0, eps, 0.3), expected)).toBeLessThan(1e-6);
    xt.dispose();
  });

  it('returns x0 at ᾱ = 1 and ε at ᾱ = 0', () => {
    const x0 = tf.tensor([0.5, -0.25, 1]);
    const eps = tf.tensor([2, -1, 0.1]);
    const clean = qSample(x0, eps, 1);
    const noise = qSample(x0, eps, 0);
    expect(Array.from(clean.dataSync())).toEqual(Array.from(x0.dataSync()));
    expect(Array.from(noise.dataSync())).toEqual(Array.from(eps.dataSync()));
    tf.dispose([x0, eps, clean, noise]);
  });

  it('has mean √ᾱ·x0 and variance 1−ᾱ over many draws', () => {
    const n = 200_000;
    const ab = 0.494; // cosine, t = 500
    const x0 = new Float32Array(n).fill(0.8);
    const eps = fillNormal(new Float32Array(n), makeRng(7));
    const xt = qSampleInto(new Float32Array(n), x0, eps, ab);
    let mean = 0;
    for (const v of xt) mean += v / n;
    let variance = 0;
    for (const v of xt) variance += (v - mean) ** 2 / (n - 1);
    expect(mean).toBeCloseTo(Math.sqrt(ab) * 0.8, 2);
    expect(variance).toBeCloseTo(1 - ab, 2);
  });

  it('leaves exactly one new tensor (its result) behind', () => {
    const x0 = tf.ones([8, 8, 3]);
    const eps = tf.zeros([8, 8, 3]);
    const before = tf.memory().numTensors;
    const xt = qSample(x0, eps, 0.5);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x0, eps, xt]);
  });

  it('rejects ᾱ outside [0, 1]', () => {
    const x = tf.zeros([2]);
    expect(() => qSample(x, x, 1.5)).toThrow(RangeError);
    expect(() => qSampleInto(new Float32Array(2), new Float32Array(2), new Float32Array(2), -0.1)).toThrow(RangeError);
    x.dispose();
  });
});

describe('qSampleBatch', () => {
  it('noises every example at its own ᾱ', () => {
    const rng = makeRng(3);
    const shape = [3, 2, 2, 1];
    const x0 = tf.tensor(fillNormal(new Float32Array(12), rng), shape);
    const eps = tf.tensor(fillNormal(new Float32Array(12), rng), shape);
    const abs = [0.9, 0.5, 0.01];
    const batch = qSampleBatch(x0, eps, abs);
    const rows = tf.unstack(batch);
    const x0Rows = tf.unstack(x0);
    const epsRows = tf.unstack(eps);
    abs.forEach((ab, i) => {
      const one = qSample(x0Rows[i], epsRows[i], ab);
      expect(maxAbsDiff(rows[i].dataSync(), one.dataSync())).toBeLessThan(1e-6);
      one.dispose();
    });
    tf.dispose([x0, eps, batch, ...rows, ...x0Rows, ...epsRows]);
  });

  it('rejects a wrong number of noise levels', () => {
    const x = tf.zeros([2, 3]);
    expect(() => qSampleBatch(x, x, [0.5])).toThrow(RangeError);
    x.dispose();
  });
});

describe('qSampleInto', () => {
  it('may write in place over x0', () => {
    const x0 = new Float32Array([1, 2, 3]);
    const eps = new Float32Array([0, 0, 1]);
    const out = qSampleInto(x0, x0, eps, 0.25);
    expect(out).toBe(x0);
    expect(Array.from(out)).toEqual([0.5, 1, 1.5 + Math.sqrt(0.75)].map(Math.fround));
  });

  it('re-noises a 1024×1024×3 image fast enough for a slider (timed)', () => {
    const n = 1024 * 1024 * 3;
    const x0 = new Float32Array(n).fill(0.5);
    const eps = fillNormal(new Float32Array(n), makeRng(1));
    const out = new Float32Array(n);
    qSampleInto(out, x0, eps, 0.5); // warm-up (JIT)
    const start = performance.now();
    const runs = 5;
    for (let i = 0; i < runs; i++) qSampleInto(out, x0, eps, i / runs);
    const ms = (performance.now() - start) / runs;
    console.log(`qSampleInto 1024×1024×3: ${ms.toFixed(1)} ms per call`);
    expect(ms).toBeLessThan(100);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => qSampleInto(new Float32Array(3), new Float32Array(3), new Float32Array(2), 0.5)).toThrow(RangeError);
  });
});
