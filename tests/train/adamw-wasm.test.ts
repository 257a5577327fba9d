// AdamW on wasm with our fused kernel (train/kernels/adamw-wat.ts) against the same optimizer on tfjs's
// ops (the kernels stopped), on the same backend: parameters and moments agree after several steps,
// with and without decay, at a size with a scalar tail; no tensor is left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { makeRng } from '../../src/lib/math/rng';
import { AdamW } from '../../train/adamw';
import { initTrainingBackend } from '../../train/backend';
import { prepareWasmKernels, stopWasmKernels, wasmKernelsReady } from '../../train/kernels/wasm-kernels';
import { relErr } from '../support/rel-err';

const SHAPES: Record<string, number[]> = { conv: [3, 3, 8, 12], bias: [12], odd: [7, 3] }; // 864, 12, 21 elements

function run(steps: number): Record<string, Float32Array> {
  const rng = makeRng(3);
  const normals = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
  const adam = new AdamW({ beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.05 });
  let params: tf.NamedTensorMap = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, normals(s)]));
  for (let i = 0; i < steps; i++) {
    const grads = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, normals(s)]));
    const next = adam.apply(params, grads, 0.01 * (i + 1));
    tf.dispose([...Object.values(params), ...Object.values(grads)]);
    params = next;
  }
  const out = Object.fromEntries([...Object.entries(params), ...Object.entries(adam.state())].map(([k, t]) => [k, t.dataSync<'float32'>().slice()]));
  tf.dispose(Object.values(params));
  adam.dispose();
  return out;
}

describe('AdamW on our wasm kernel', () => {
  beforeAll(async () => {
    await initTrainingBackend({ threads: 1, verbose: false });
  }, 60_000);
  afterAll(async () => {
    await prepareWasmKernels(tf.backend(), 1);
  });

  it('takes the same steps as on tfjs ops, parameters and both moments, and leaves no tensor', async () => {
    expect(wasmKernelsReady(tf.backend())).toBe(true);
    const before = tf.memory().numTensors;
    const fused = run(5);
    expect(tf.memory().numTensors).toBe(before);
    stopWasmKernels();
    const ops = run(5);
    expect(Object.keys(fused).sort()).toEqual(Object.keys(ops).sort());
    for (const key of Object.keys(ops)) expect(relErr(fused[key], ops[key]), key).toBeLessThan(1e-6);
  });
});
