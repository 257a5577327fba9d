import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../../train/adamw';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Scalar AdamW by hand (Loshchilov & Hutter 2019, Alg. 2, with PyTorch's lr-scaled decay). */
function reference(p0: number, grads: number[], lr: number, b1: number, b2: number, eps: number, wd: number): number {
  let p = p0, m = 0, v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p = p * (1 - lr * wd) - (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
  });
  return p;
}

describe('AdamW', () => {
  const o = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
  const grads = [0.5, -0.2, 1.5, 0.3];

  it('matches the closed-form update, decaying rank-2 weights and not biases', () => {
    const adam = new AdamW(o);
    let params: tf.NamedTensorMap = { w: tf.tensor2d([[2]]), b: tf.tensor1d([2]) };
    for (const g of grads) {
      const gs = { w: tf.tensor2d([[g]]), b: tf.tensor1d([g]) };
      const next = adam.apply(params, gs, 0.01);
      tf.dispose([...Object.values(params), ...Object.values(gs)]);
      params = next;
    }
    expect(params.w.dataSync()[0]).toBeCloseTo(reference(2, grads, 0.01, 0.9, 0.999, 1e-8, 0.1), 6);
    expect(params.b.dataSync()[0]).toBeCloseTo(reference(2, grads, 0.01, 0.9, 0.999, 1e-8, 0), 6);
    expect(adam.step).toBe(4);
    tf.dispose(Object.values(params));
    adam.dispose();
  });

  it('state saved after k steps and loaded into a new optimizer continues identically', () => {
    const run = (split: boolean): number => {
      let adam = new AdamW(o);
      let p: tf.NamedTensorMap = { w: tf.tensor2d([[1, -1]]) };
      grads.forEach((g, i) => {
        if (split && i === 2) {
          const saved = Object.fromEntries(Object.entries(adam.state()).map(([k, t]) => [k, tf.tensor(t.dataSync(), t.shape)]));
          const step = adam.step;
          adam.dispose();
          adam = new AdamW(o);
          adam.load(saved, step);
        }
        const gs = { w: tf.tensor2d([[g, 2 * g]]) };
        const next = adam.apply(p, gs, 0.05);
        tf.dispose([p.w, gs.w]);
        p = next;
      });
      const v = p.w.dataSync()[1];
      p.w.dispose();
      adam.dispose();
      return v;
    };
    expect(run(true)).toBe(run(false));
  });

  it('exposes its moments as named tensors and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const adam = new AdamW(o);
    const p = { w: tf.ones([2, 2]) };
    const g = { w: tf.ones([2, 2]) };
    const next = adam.apply(p, g, 0.1);
    expect(Object.keys(adam.state()).sort()).toEqual(['adam.m/w', 'adam.v/w']);
    tf.dispose([p.w, g.w, next.w]);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
