import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from '../../train/clip';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('global-norm clipping', () => {
  it('reports the norm over all tensors together and scales every tensor by maxNorm/norm', () => {
    const g = { a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) }; // global norm 5
    const { grads, norm } = clipByGlobalNorm(g, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(Array.from(grads.a.dataSync())).toEqual([expect.closeTo(0.6, 5), 0]);
    expect(Array.from(grads.b.dataSync())).toEqual([0, expect.closeTo(0.8, 5)]);
    tf.dispose([...Object.values(g), ...Object.values(grads)]);
  });

  it('leaves gradients under the limit unchanged and can be disabled with 0', () => {
    const g = { a: tf.tensor1d([0.3, 0.4]) };
    for (const max of [1, 0]) {
      const { grads, norm } = clipByGlobalNorm(g, max);
      expect(norm).toBeCloseTo(0.5, 6);
      expect(Array.from(grads.a.dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
      grads.a.dispose();
    }
    const big = { a: tf.tensor1d([30, 40]) };
    expect(clipByGlobalNorm(big, 0).grads.a.dataSync()[1]).toBeCloseTo(40, 4);
    g.a.dispose();
  });
});
