// The spatial Sum of train/kernels/reduce-sum.ts (a global average pool × H·W) against the cpu
// backend's sum: over H, W and over B, H, W, with and without keepDims, on odd sizes and on the
// U-Net's bias-gradient shape; other axes still go to the stock kernel and match too.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../src/lib/math/rng';
import { initTrainingBackend } from '../../train/backend';

const CASES: [number[], number[], boolean][] = [
  [[3, 5, 7, 4], [1, 2], false],
  [[3, 5, 7, 4], [0, 1, 2], false],
  [[2, 6, 3, 5], [2, 1], true],
  [[2, 6, 3, 5], [0, 1, 2], true],
  [[16, 16, 16, 32], [0, 1, 2], false],
  [[3, 5, 7, 4], [3], false], // stock kernel
  [[3, 5, 7, 4], [0], true], // stock kernel
];

function sums(): { shape: number[]; values: Float32Array }[] {
  return tf.tidy(() => CASES.map(([shape, axes, keepDims], i) => {
    const rng = makeRng(10 + i);
    const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() + 0.5), shape);
    const s = tf.sum(x, axes, keepDims);
    return { shape: s.shape, values: s.dataSync<'float32'>().slice() };
  }));
}

describe('wasm spatial Sum', () => {
  let reference: ReturnType<typeof sums>;

  beforeAll(async () => {
    await initTrainingBackend({ threads: 1, verbose: false });
    await tf.setBackend('cpu');
    reference = sums();
    await tf.setBackend('wasm');
  }, 60_000);

  it('matches the cpu backend\'s sum to 1e-5 relative, shapes included', () => {
    const got = sums();
    got.forEach((g, i) => {
      const want = reference[i];
      expect(g.shape, `case ${i}`).toEqual(want.shape);
      const scale = Math.max(...want.values.map(Math.abs));
      const err = Math.max(...g.values.map((v, k) => Math.abs(v - want.values[k])));
      expect(err / scale, `case ${i}`).toBeLessThan(1e-5);
    });
  });

  it('leaves no buffer behind', () => {
    sums();
    const buffers = tf.backend().numDataIds();
    sums();
    expect(tf.backend().numDataIds()).toBe(buffers);
  });
});
