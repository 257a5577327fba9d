// The wasm conv-gradient kernels of train/kernels/conv-grad.ts against the cpu backend's gradients,
// over odd/even sizes, 1×1/2×2/3×3/4×4 filters, stride 1/2, SAME/VALID/explicit padding, batch 1–5,
// and at stride 1 all three dW methods (our SIMD kernel, filter-grad-simd.ts, where the channel
// counts fit its tiles; filter-grad.ts's chunked GEMM; the batch-as-channels conv), whichever the
// default picks for the shape; and the fused 3×3 'same' conv the U-Net runs, forward and dx by
// Winograd's F(2×2, 3×3) where the channels fit (train/kernels/winograd-train.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { relErr } from '../support/rel-err';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../src/lib/math/rng';
import { initTrainingBackend } from '../../train/backend';
import { useFilterGrad } from '../../train/kernels/conv-grad';
import { filterGradSimdHandles } from '../../train/kernels/filter-grad-simd';
import { wasmKernelThreads } from '../../train/kernels/wasm-kernels';
import { useConvMethod, winogradTrainApplies } from '../../train/kernels/winograd-train';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface Case { b: number; h: number; w: number; ci: number; co: number; k: number; stride: 1 | 2; pad: Pad }

const CASES: Case[] = [
  { b: 1, h: 8, w: 8, ci: 3, co: 5, k: 3, stride: 1, pad: 'same' },
  { b: 3, h: 7, w: 9, ci: 4, co: 2, k: 3, stride: 1, pad: 'valid' },
  { b: 3, h: 9, w: 7, ci: 2, co: 6, k: 3, stride: 2, pad: 'same' },
  { b: 1, h: 8, w: 6, ci: 5, co: 3, k: 3, stride: 2, pad: 'valid' },
  { b: 3, h: 5, w: 5, ci: 4, co: 3, k: 1, stride: 1, pad: 'same' },
  { b: 1, h: 7, w: 8, ci: 3, co: 4, k: 1, stride: 2, pad: 'valid' },
  { b: 3, h: 8, w: 8, ci: 3, co: 2, k: 1, stride: 2, pad: 'same' },
  { b: 3, h: 6, w: 7, ci: 2, co: 3, k: 2, stride: 2, pad: 'same' },
  { b: 1, h: 9, w: 10, ci: 3, co: 4, k: 4, stride: 2, pad: 'same' },
  { b: 2, h: 6, w: 5, ci: 3, co: 2, k: 3, stride: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { b: 2, h: 7, w: 8, ci: 2, co: 3, k: 3, stride: 2, pad: [[0, 0], [0, 1], [1, 1], [0, 0]] },
  { b: 3, h: 16, w: 16, ci: 8, co: 8, k: 3, stride: 1, pad: 'same' },
  // The GEMM's chunks of 8192 positions: 4·42² + 39·42 + 40 = 8734 positions → a cut inside image 5.
  { b: 5, h: 40, w: 40, ci: 2, co: 3, k: 3, stride: 1, pad: 'same' },
  // Channel counts that fit the SIMD kernel's tiles without padding (Ci a multiple of 4, Co of 8): VALID,
  // explicit and even-filter SAME padding, 1×1, and 3·18·18 = 972 positions → two of its 512-position blocks.
  { b: 2, h: 9, w: 11, ci: 4, co: 8, k: 3, stride: 1, pad: 'valid' },
  { b: 3, h: 6, w: 7, ci: 12, co: 16, k: 3, stride: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { b: 2, h: 10, w: 10, ci: 8, co: 16, k: 1, stride: 1, pad: 'same' },
  { b: 1, h: 12, w: 12, ci: 4, co: 8, k: 2, stride: 1, pad: 'same' },
  // 64×60 VALID: 11398 positions → a cut inside image 3; dy ends 2 rows/cols before the grid does.
  { b: 3, h: 64, w: 60, ci: 3, co: 2, k: 3, stride: 1, pad: 'valid' },
];

function normals(n: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}


/** Output, dx and dW of Σ r·conv2d(x, W) on the active backend, as plain arrays. */
function convGrads(c: Case, seed: number) {
  return tf.tidy(() => {
    const x = tf.tensor4d(normals(c.b * c.h * c.w * c.ci, seed), [c.b, c.h, c.w, c.ci]);
    const w = tf.tensor4d(normals(c.k * c.k * c.ci * c.co, seed + 1), [c.k, c.k, c.ci, c.co]);
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const r = tf.tensor(normals(y.size, seed + 2), y.shape);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r));
    const [dx, dw] = tf.grads(f)([x, w]);
    return { y: y.dataSync().slice(), dx: dx.dataSync().slice(), dw: dw.dataSync().slice(), dxShape: dx.shape, dwShape: dw.shape };
  });
}

const label = (c: Case) => `b${c.b} ${c.h}×${c.w} ${c.ci}→${c.co} k${c.k} s${c.stride} ${typeof c.pad === 'string' ? c.pad : 'explicit'}`;

describe('wasm conv-gradient kernels', () => {
  const reference: ReturnType<typeof convGrads>[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    await initTrainingBackend({ threads: 1, verbose: false }); // registers gradients, leaves wasm active
    await tf.setBackend('cpu');
    CASES.forEach((c, i) => reference.push(convGrads(c, 100 * i)));
    await tf.setBackend('wasm');
  }, 60_000); // first call loads tfjs-core's gradient modules (seconds when the machine is busy)

  it.each(CASES.map((c, i) => [label(c), i] as const))('dW and dx match the cpu backend (%s)', (_name, i) => {
    const got = convGrads(CASES[i], 100 * i);
    const want = reference[i];
    expect(got.dwShape).toEqual(want.dwShape);
    expect(got.dxShape).toEqual(want.dxShape);
    expect(relErr(got.y, want.y)).toBeLessThan(1e-5);
    expect(relErr(got.dw, want.dw)).toBeLessThan(1e-5);
    expect(relErr(got.dx, want.dx)).toBeLessThan(1e-5);
  });

  const strideOne = CASES.map((c, i) => [label(c), i] as const).filter(([, i]) => CASES[i].stride === 1);
  it.each(strideOne)('dW by every method, SIMD kernel, GEMM or batch-as-channels conv, matches the cpu backend (%s)', (_name, i) => {
    try {
      for (const method of ['simd', 'gemm', 'conv'] as const) {
        useFilterGrad(method);
        expect(relErr(convGrads(CASES[i], 100 * i).dw, reference[i].dw), method).toBeLessThan(1e-5);
      }
    } finally {
      useFilterGrad('auto');
    }
  });

  it('the SIMD dW kernel is prepared on one thread and takes every stride-1 shape (channels padded to its tiles)', () => {
    expect(wasmKernelThreads()).toBe(1);
    expect(CASES.filter((c) => c.stride === 1).every((c) => filterGradSimdHandles(tf.backend(), c.ci, c.co))).toBe(true);
  });

  it('conv2dTranspose forward (which is Conv2DBackpropInput) matches the cpu backend', async () => {
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(normals(3 * 5 * 4 * 6, 7), [3, 5, 4, 6]);
      const w = tf.tensor4d(normals(3 * 3 * 2 * 6, 8), [3, 3, 2, 6]); // [KH, KW, out, in]
      return tf.conv2dTranspose(x, w, [3, 10, 8, 2], 2, 'same').dataSync().slice();
    });
    const got = run();
    await tf.setBackend('cpu');
    const want = run();
    await tf.setBackend('wasm');
    expect(relErr(got, want)).toBeLessThan(1e-5);
  });

  it('frees every intermediate: tensor and wasm buffer counts are unchanged after gradient calls', () => {
    const c = CASES[2];
    convGrads(c, 1); // warm-up (kernels set up, lazily created state)
    const backend = tf.backend();
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let i = 0; i < 3; i++) convGrads(c, i);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
  });

  // 'same' 3×3 convs with bias as the U-Net runs them: Winograd's forward and dW where the channels fit
  // (Ci % 4, Co % 8), and dx where the reverse does, tfjs's and our direct kernels elsewhere; gradients
  // through tfjs's fused op.
  const FUSED: Case[] = [
    { b: 2, h: 12, w: 10, ci: 8, co: 16, k: 3, stride: 1, pad: 'same' }, // all three by F(2×2, 3×3) (W = 10)
    { b: 1, h: 8, w: 8, ci: 12, co: 8, k: 3, stride: 1, pad: 'same' }, // forward and dW by F(4×4, 3×3), not dx (its Co = 12)
    { b: 2, h: 6, w: 6, ci: 8, co: 4, k: 3, stride: 1, pad: 'same' }, // dx only (the forward's Co = 4)
    { b: 1, h: 7, w: 9, ci: 8, co: 8, k: 3, stride: 1, pad: 'same' }, // odd sides: neither
  ];
  const fused = (c: Case, seed: number) => tf.tidy(() => {
    const x = tf.tensor4d(normals(c.b * c.h * c.w * c.ci, seed), [c.b, c.h, c.w, c.ci]);
    const w = tf.tensor4d(normals(9 * c.ci * c.co, seed + 1), [3, 3, c.ci, c.co]);
    const bias = tf.tensor1d(normals(c.co, seed + 2));
    const r = tf.tensor4d(normals(c.b * c.h * c.w * c.co, seed + 3), [c.b, c.h, c.w, c.co]);
    const conv = (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: b });
    return [conv(x, w, bias), ...tf.grads((a, f, b) => tf.sum(tf.mul(conv(a, f, b), r)))([x, w, bias])].map((t) => t.dataSync().slice());
  });
  it.each(FUSED.map((c, i) => [label(c), i] as const))('a fused 3×3 conv with bias and its gradients match the cpu backend, with and without Winograd (%s)', async (_name, i) => {
    const c = FUSED[i];
    await tf.setBackend('cpu');
    const want = fused(c, 10 * i);
    await tf.setBackend('wasm');
    expect([winogradTrainApplies(tf.backend(), [c.b, c.h, c.w, c.ci], [3, 3, c.ci, c.co]), winogradTrainApplies(tf.backend(), [c.b, c.h, c.w, c.co], [3, 3, c.co, c.ci])])
      .toEqual([[true, true], [true, false], [false, true], [false, false]][i]);
    try {
      for (const method of ['auto', 'xnnpack'] as const) {
        useConvMethod(method);
        const got = fused(c, 10 * i);
        ['y', 'dx', 'dW', 'db'].forEach((name, k) => expect(relErr(got[k], want[k]), `${method} ${name}`).toBeLessThan(1e-5));
      }
    } finally {
      useConvMethod('auto');
    }
  });

  it('frees every intermediate of the Winograd forward, dx and dW (tensor and wasm buffer counts)', () => {
    fused(FUSED[0], 1);
    const tensors = tf.memory().numTensors, buffers = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) fused(FUSED[i % 2], i);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });

  it('replaced Conv2DBackpropInput and added Conv2DBackpropFilter on wasm', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc.name).toBe('conv2dBackpropInput');
  });
});
