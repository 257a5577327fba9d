// Two wasm threads in Node through train/kernels/node-threads.ts (measurements.md §1.5): the pinned
// backend reports 2 threads, our SIMD kernels (dW, Winograd's conv and dx, GroupNorm, SiLU's gradient)
// run on this thread and their helper, and the values computed on them still match the cpu backend.
// A file of its own because the wasm module's thread count is fixed when it first loads.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { relErr } from '../support/rel-err';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../src/lib/math/rng';
import { referenceOps, type ModelOps } from '../../src/lib/models/ops';
import { initTrainingBackend, type TrainingBackendInfo } from '../../train/backend';
import { trainingOps } from '../../train/kernels/ops';
import { runWasmKernel, wasmKernelThreads } from '../../train/kernels/wasm-kernels';

function normals(n: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}


/**
 * y, dx, dW and db of Σ r·(conv2d(x, W) + b), 3×3 SAME, batch 4, 16×16, ci→co (large enough to be
 * split across threads; at stride 1 the SIMD dW kernel splits ci = 16 as 8 + 8 and ci = 12 as 4 + 8
 * with its helper where Winograd does not apply, and Winograd's forward and dW split the 64 output
 * tiles of 4 × 4 as 32 + 32, as its dx does for 16 → 16).
 */
function grads(stride: 1 | 2, ci = 16, co = 16): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(normals(4 * 16 * 16 * ci, 1), [4, 16, 16, ci]);
    const w = tf.tensor4d(normals(3 * 3 * ci * co, 2), [3, 3, ci, co]);
    const bias = tf.tensor1d(normals(co, 4));
    const r = tf.tensor4d(normals(4 * (16 / stride) ** 2 * co, 3), [4, 16 / stride, 16 / stride, co]);
    const conv = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: stride, pad: 'same', bias: c });
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(conv(a, b, c), r));
    return [conv(x, w, bias), ...tf.grads(f)([x, w, bias])].map((t) => t.dataSync<'float32'>().slice());
  });
}

/** y, dx, dγ, dβ of Σ r·silu(groupNorm(x)) with the given ops: batch 3 splits 1 + 2, SiLU's 3·6·5·16 elements 720 + 720. */
function normGrads(ops: ModelOps): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(normals(3 * 6 * 5 * 16, 4), [3, 6, 5, 16]);
    const gamma = tf.tensor1d(normals(16, 5)), beta = tf.tensor1d(normals(16, 6));
    const r = tf.tensor4d(normals(x.size, 7), x.shape);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(ops.silu(ops.groupNorm(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 4)), r));
    const y = ops.silu(ops.groupNorm(x, gamma, beta, 4));
    return [y, ...tf.grads(f)([x, gamma, beta])].map((t) => t.dataSync<'float32'>().slice());
  });
}

describe('wasm with two threads in Node', () => {
  let info: TrainingBackendInfo;
  const reference: Float32Array[][] = [];
  let normReference: Float32Array[] = [];

  beforeAll(async () => {
    info = await initTrainingBackend({ threads: 2, verbose: false });
    await tf.setBackend('cpu');
    reference.push(grads(1), grads(2), grads(1, 12, 8));
    normReference = normGrads(referenceOps);
    await tf.setBackend('wasm');
  }, 60_000);

  it('the backend runs 2 threads with no fallback note', () => {
    expect(info.note).toBeUndefined();
    expect(info.threads).toBe(2);
    expect(wasmKernelThreads()).toBe(2);
  });

  it.each([[1, 16, 16, 0], [2, 16, 16, 1], [1, 12, 8, 2]] as const)('a stride-%i conv with bias and its gradients (%i→%i) on 2 threads match the cpu backend', (stride, ci, co, i) => {
    const got = grads(stride, ci, co);
    ['y', 'dx', 'dW', 'db'].forEach((name, k) => expect(relErr(got[k], reference[i][k]), name).toBeLessThan(1e-5));
  });

  it('keeps a call with a float argument off the helper, whose control words are Int32', () => {
    expect(() => runWasmKernel(tf.backend(), 'siluGrad', [0, 0, 0, 0, 0], [0, 0, 0, 0, 0.5])).toThrow(/integer arguments/);
  });

  it('GroupNorm and SiLU on our kernels, split across the 2 threads, match cpu autodiff of the reference ops', () => {
    const got = normGrads(trainingOps);
    ['y', 'dx', 'dγ', 'dβ'].forEach((name, i) => expect(relErr(got[i], normReference[i]), name).toBeLessThan(1e-5));
  });
});
