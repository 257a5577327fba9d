// The data-movement kernels of train/kernels/data-movement.ts (zero-copy Identity, one-pass SplitV)
// against the cpu backend: splits along every axis, of float32, int32 and bool tensors, are exact
// copies; a clone keeps its values after the original is disposed; nothing leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../src/lib/math/rng';
import { initTrainingBackend } from '../../train/backend';
import { stockWasmKernel } from '../../train/kernels/register';

const SHAPE = [3, 4, 5, 6];
const SPLITS: [number, number[]][] = [[0, [1, 2]], [1, [1, 3]], [2, [2, 1, 2]], [3, [4, 2]], [3, [1, 0, 5]]];

function values(dtype: 'float32' | 'int32' | 'bool', seed: number): number[] {
  const rng = makeRng(seed);
  const n = SHAPE.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => (dtype === 'float32' ? rng.normal() : dtype === 'int32' ? Math.floor(rng.next() * 1000) - 500 : rng.next() < 0.5 ? 1 : 0));
}

/** Every part of every split in SPLITS, as plain arrays, on the active backend. */
function splitAll(dtype: 'float32' | 'int32' | 'bool'): number[][][] {
  return tf.tidy(() => {
    const x = tf.tensor(values(dtype, 3), SHAPE, dtype);
    return SPLITS.map(([axis, sizes]) => tf.split(x, sizes, axis).map((p) => [...p.shape, -1, ...Array.from(p.dataSync())]));
  });
}

/** Gradient of Σ r·concat([a, b], 3) (the U-Net's skip concat, whose gradient is SplitV). */
function concatGrads(): number[][] {
  return tf.tidy(() => {
    const a = tf.tensor4d(values('float32', 4).slice(0, 2 * 4 * 5 * 6), [2, 4, 5, 6]);
    const b = tf.tensor4d(values('float32', 5).slice(0, 2 * 4 * 5 * 3), [2, 4, 5, 3]);
    const r = tf.tensor4d(values('float32', 6).slice(0, 2 * 4 * 5 * 9), [2, 4, 5, 9]);
    const f = (u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.concat([u, v], 3), r));
    return tf.grads(f)([a, b]).map((g) => Array.from(g.dataSync()));
  });
}

describe('wasm data-movement kernels', () => {
  const reference = new Map<string, unknown>();

  beforeAll(async () => {
    await initTrainingBackend({ threads: 1, verbose: false });
    await tf.setBackend('cpu');
    for (const dtype of ['float32', 'int32', 'bool'] as const) reference.set(dtype, splitAll(dtype));
    reference.set('grads', concatGrads());
    await tf.setBackend('wasm');
  }, 60_000);

  it.each(['float32', 'int32', 'bool'] as const)('SplitV gives exactly the cpu backend\'s parts along every axis (%s)', (dtype) => {
    expect(splitAll(dtype)).toEqual(reference.get(dtype));
  });

  it('the gradient of a channel concat (SplitV) equals the cpu backend\'s exactly', () => {
    expect(concatGrads()).toEqual(reference.get('grads'));
  });

  it('a clone shares the buffer yet keeps its values once the original is disposed', () => {
    const backend = tf.backend();
    const buffers = backend.numDataIds();
    const x = tf.tensor([1.5, -2, 3]);
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(buffers + 1); // shared, not copied
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
    y.dispose();
    expect(backend.numDataIds()).toBe(buffers);
  });

  it('replaced Identity and SplitV on wasm, keeping the stock kernels reachable', () => {
    for (const name of ['Identity', 'SplitV']) {
      expect(stockWasmKernel(name)).toBeDefined();
      expect(tf.getKernel(name, 'wasm')?.kernelFunc).not.toBe(stockWasmKernel(name)?.kernelFunc);
    }
  });
});
