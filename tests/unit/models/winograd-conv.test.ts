// The engine's 3×3 convolution by Winograd's F(4×4, 3×3) and F(2×2, 3×3) (src/lib/models/wasm-kernels/
// winograd-*.ts): on a plain wasm backend, as in a lesson's worker, it equals the cpu backend's
// convolution over batches, odd tile counts and blocks that end part-way, reads a 2× nearest upsample
// without making it, gives way to tfjs where its shapes do not
// apply, keeps one weight transform per live weight tensor and frees it once the weights are gone,
// and leaves no tensor or heap buffer behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { relErr } from '../../support/rel-err';
import { makeRng } from '../../../src/lib/math/rng';
import { activeOps, setTrainingOps } from '../../../src/lib/models/ops';
import { installWasmModelKernels, wasmConv2d, winogradWeightsHeld } from '../../../src/lib/models/wasm-kernels/install';
import { winogradApplies, winogradBlock, winogradTile } from '../../../src/lib/models/wasm-kernels/winograd-conv';
import { wasmDistDir } from '../../../train/backend';

/** [B, H, W, Ci, Co, k] */
type Case = [number, number, number, number, number, number];
const TAKEN: Case[] = [
  [1, 8, 8, 4, 8, 3], // F(4, 3): four tiles
  [2, 6, 10, 8, 16, 3], // F(2, 3) (sides not multiples of 4), a batch of two, not square
  [1, 6, 6, 8, 8, 3], // F(2, 3), 9 tiles: the GEMM's last group of four runs past the block's end
  [1, 18, 18, 64, 64, 3], // F(2, 3), 81 tiles in blocks of 24: the last block part-full
  [1, 24, 24, 32, 32, 3], // F(4, 3), 36 tiles in blocks of 20
  [3, 20, 20, 96, 24, 3], // F(4, 3), 75 tiles in blocks of 8 over three images, the last of 3
];
const LEFT: Case[] = [
  [1, 7, 7, 8, 8, 3], // odd sides
  [1, 8, 8, 3, 8, 3], // RGB in
  [1, 8, 8, 8, 3, 3], // RGB out
  [1, 8, 8, 8, 8, 1], // 1×1
];

function inputs([b, h, w, ci, co, k]: Case, seed: number) {
  const rng = makeRng(seed);
  const normals = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  return {
    x: tf.tensor4d(normals(b * h * w * ci, 1), [b, h, w, ci]),
    filter: tf.tensor4d(normals(k * k * ci * co, 1 / Math.sqrt(9 * ci)), [k, k, ci, co]),
    bias: tf.tensor1d(normals(co, 0.5)),
  };
}

function conv(c: Case, seed: number): Float32Array {
  const { x, filter, bias } = inputs(c, seed);
  const y = activeOps().conv2d(x, filter, bias);
  const out = y.dataSync<'float32'>().slice();
  tf.dispose([x, filter, bias, y]);
  return out;
}

describe('the 3×3 convolution by Winograd F(m×m, 3×3) on our wasm kernel', () => {
  const reference = new Map<Case, Float32Array>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    [...TAKEN, ...LEFT].forEach((c, i) => reference.set(c, conv(c, i)));
    wasm.setWasmPaths(wasmDistDir());
    await tf.setBackend('wasm');
    await installWasmModelKernels();
  }, 60_000);
  afterAll(() => setTrainingOps(null));

  it('takes 3×3 convs with even sides (4×4 tiles where both are multiples of 4), Ci a multiple of 4 and Co of 8, and stands behind conv2d', () => {
    expect(activeOps().conv2d).toBe(wasmConv2d);
    expect(TAKEN.map(([b, h, w, ci, co, k]) => winogradApplies([b, h, w, ci], [k, k, ci, co]))).toEqual(TAKEN.map(() => true));
    expect(LEFT.map(([b, h, w, ci, co, k]) => winogradApplies([b, h, w, ci], [k, k, ci, co]))).toEqual(LEFT.map(() => false));
    expect(TAKEN.map(([, h, w]) => winogradTile(h, w))).toEqual([4, 2, 2, 2, 4, 4]);
    expect([winogradBlock(2, 64, 64, 81), winogradBlock(4, 32, 32, 36), winogradBlock(4, 96, 24, 75), winogradBlock(2, 8, 8, 9)]).toEqual([24, 20, 8, 12]);
  });

  // F(4, 3)'s transform constants (up to 8 and 1/24) cost float32 a few ulps more than the direct sum:
  // measured 2–8e-6 of the output's scale at 4 to 144 input channels.
  it.each([...TAKEN, ...LEFT].map((c, i) => [c.join('·'), i] as const))('equals the cpu backend\'s conv (B·H·W·Ci·Co·k = %s)', (_name, i) => {
    const c = [...TAKEN, ...LEFT][i];
    expect(relErr(conv(c, i), reference.get(c) as Float32Array)).toBeLessThan(2e-5);
  });

  // conv2d(up2(x)) read straight from the half-size x: [B, h, w, Ci, Co], the output 2h × 2w.
  const UP: [number, number, number, number, number][] = [[1, 4, 4, 8, 8], [2, 3, 5, 4, 16], [1, 8, 8, 16, 8], [1, 4, 4, 3, 8]];
  it.each(UP.map((c, i) => [c.join('·'), i] as const))('convolves the 2× nearest upsample without making it, as the cpu backend\'s up2 then conv (B·h·w·Ci·Co = %s)', async (_name, i) => {
    const [b, h, w, ci, co] = UP[i];
    const run = () => {
      const { x, filter, bias } = inputs([b, h, w, ci, co, 3], 40 + i);
      const y = activeOps().conv2dUp2(x, filter, bias);
      const out = y.dataSync<'float32'>().slice();
      expect(y.shape).toEqual([b, 2 * h, 2 * w, co]);
      tf.dispose([x, filter, bias, y]);
      return out;
    };
    const ours = run();
    const installed = activeOps();
    await tf.setBackend('cpu');
    setTrainingOps(null);
    const want = run();
    await tf.setBackend('wasm');
    setTrainingOps(installed);
    expect(winogradApplies([b, 2 * h, 2 * w, ci], [3, 3, ci, co])).toBe(ci % 4 === 0);
    expect(relErr(ours, want)).toBeLessThan(2e-5);
  });

  it('runs without a bias as with a zero one', () => {
    const { x, filter, bias } = inputs(TAKEN[1], 5);
    const zero = tf.zerosLike(bias);
    const [a, b] = [tf.engine().runKernel('NoisebookConv3x3', { x, filter }) as tf.Tensor, wasmConv2d(x, filter, zero)];
    expect(relErr(a.dataSync(), b.dataSync())).toBe(0);
    tf.dispose([x, filter, bias, zero, a, b]);
  });

  it('keeps one weight transform per live weight tensor, frees it when the weights go, and leaks nothing', () => {
    conv(TAKEN[4], 1); // a transform of weights already disposed may be held until the next new weights
    const tensors = tf.memory().numTensors, buffers = tf.backend().numDataIds();
    const { x, filter, bias } = inputs(TAKEN[4], 2);
    for (let i = 0; i < 3; i++) wasmConv2d(x, filter, bias).dispose();
    expect(winogradWeightsHeld()).toBe(1); // the disposed weights' transform went when these arrived
    tf.dispose([x, filter, bias]);
    for (let i = 0; i < 3; i++) conv(TAKEN[4], 3 + i);
    expect(winogradWeightsHeld()).toBe(1);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });
});
