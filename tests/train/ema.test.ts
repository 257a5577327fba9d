import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ema, emaDecayAt } from '../../train/ema';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('EMA', () => {
  it('warms the decay up as (1 + step)/(10 + step), capped at the configured decay', () => {
    expect(emaDecayAt(0.999, 0)).toBeCloseTo(0.1, 12);
    expect(emaDecayAt(0.999, 90)).toBeCloseTo(91 / 100, 12);
    expect(emaDecayAt(0.999, 1e6)).toBe(0.999);
  });

  it('averages as ema ← d·ema + (1 − d)·θ', () => {
    const ema = new Ema(0.5);
    const p0 = { w: tf.tensor1d([0]) };
    ema.init(p0);
    const p1 = { w: tf.tensor1d([10]) };
    ema.update(p1, 100); // d = 0.5
    expect(ema.weights().w.dataSync()[0]).toBeCloseTo(5, 6);
    ema.update(p1, 100);
    expect(ema.weights().w.dataSync()[0]).toBeCloseTo(7.5, 6);
    tf.dispose([p0.w, p1.w]);
    ema.dispose();
  });

  it('keeps the tensor count flat across updates', () => {
    const ema = new Ema(0.9);
    const p = { a: tf.ones([3]), b: tf.zeros([2, 2]) };
    ema.init(p);
    const n = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) ema.update(p, i);
    expect(tf.memory().numTensors).toBe(n);
    ema.dispose();
    tf.dispose(Object.values(p));
  });
});
