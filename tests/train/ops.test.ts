// The custom-gradient training ops (train/kernels: GroupNorm, SiLU, down2, up2) on wasm, GroupNorm on
// our wasm kernels where C is a multiple of 4 and composed where not: forward equal to the reference
// ops of src/lib/models/ops.ts, gradients equal to the cpu backend's autodiff
// of those reference ops, and no tensor left behind.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { relErr } from '../support/rel-err';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../src/lib/math/rng';
import { activeOps, referenceOps, type ModelOps } from '../../src/lib/models/ops';
import { initTrainingBackend } from '../../train/backend';
import { trainingOps } from '../../train/kernels/ops';
import { groupNormSimdHandles } from '../../train/kernels/group-norm-simd';
import { wasmKernelsReady } from '../../train/kernels/wasm-kernels';

function normals(n: number, seed: number, scale = 1, shift = 0): Float32Array<ArrayBuffer> {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale + shift);
}


interface GnCase { b: number; h: number; w: number; c: number; groups: number; shift: number }
const GN_CASES: GnCase[] = [
  { b: 1, h: 4, w: 4, c: 8, groups: 2, shift: 0 },
  { b: 3, h: 5, w: 7, c: 6, groups: 3, shift: 0 },
  { b: 2, h: 8, w: 8, c: 16, groups: 8, shift: 0.5 },
  { b: 3, h: 3, w: 6, c: 4, groups: 1, shift: 2 },
  { b: 1, h: 7, w: 5, c: 12, groups: 4, shift: -1 },
];

/** y, dx, dγ, dβ of Σ r·groupNorm(x, γ, β) with the given op set on the active backend. */
function gnRun(ops: ModelOps, c: GnCase, seed: number) {
  return tf.tidy(() => {
    const x = tf.tensor4d(normals(c.b * c.h * c.w * c.c, seed, 1.5, c.shift), [c.b, c.h, c.w, c.c]);
    const gamma = tf.tensor1d(normals(c.c, seed + 1, 0.5, 1));
    const beta = tf.tensor1d(normals(c.c, seed + 2));
    const r = tf.tensor4d(normals(x.size, seed + 3), x.shape);
    const f = (a: tf.Tensor, g: tf.Tensor, be: tf.Tensor) =>
      tf.sum(tf.mul(ops.groupNorm(a as tf.Tensor4D, g as tf.Tensor1D, be as tf.Tensor1D, c.groups), r));
    const [dx, dg, db] = tf.grads(f)([x, gamma, beta]);
    const y = ops.groupNorm(x, gamma, beta, c.groups);
    return [y, dx, dg, db].map((t) => t.dataSync<'float32'>().slice());
  });
}

type Unary = 'silu' | 'down2' | 'up2';
const UNARY_SHAPES: Record<Unary, number[][]> = {
  silu: [[1, 5, 7, 3], [3, 4, 4, 8]],
  down2: [[1, 6, 8, 3], [3, 4, 10, 5]],
  up2: [[1, 5, 7, 3], [3, 4, 4, 2]],
};

function unaryRun(ops: ModelOps, name: Unary, shape: number[], seed: number) {
  return tf.tidy(() => {
    const x = tf.tensor4d(normals(shape.reduce((a, b) => a * b), seed, 2), shape as [number, number, number, number]);
    const y = ops[name](x);
    const r = tf.tensor(normals(y.size, seed + 1), y.shape);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(ops[name](a as tf.Tensor4D), r)))(x);
    return [y.dataSync<'float32'>().slice(), dx.dataSync<'float32'>().slice()];
  });
}

/**
 * Closed-form gradient of Σ r·up2(x): each input pixel collects the sum of its 2×2 block of r. Used
 * instead of the cpu backend for up2, whose ResizeNearestNeighborGrad (tfjs-backend-cpu 4.22) is
 * wrong whenever batch > 1 (max error 4–6 on [3, 4, 4, 1]; batch 1 is exact).
 */
function up2GradClosedForm(shape: number[], r: Float32Array): Float32Array<ArrayBuffer> {
  const [B, H, W, C] = shape;
  const out = new Float32Array(B * H * W * C);
  for (let b = 0; b < B; b++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) {
    let s = 0;
    for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) s += r[((b * 2 * H + 2 * i + di) * 2 * W + 2 * j + dj) * C + c];
    out[((b * H + i) * W + j) * C + c] = s;
  }
  return out;
}

describe('custom-gradient training ops', () => {
  const gnRef: Float32Array[][] = [];
  const unaryRef = new Map<string, Float32Array[]>();
  const unaryCases = (Object.keys(UNARY_SHAPES) as Unary[]).flatMap((name) => UNARY_SHAPES[name].map((shape) => ({ name, shape })));

  beforeAll(async () => {
    await initTrainingBackend({ threads: 1, verbose: false });
    await tf.setBackend('cpu');
    GN_CASES.forEach((c, i) => gnRef.push(gnRun(referenceOps, c, 10 * i)));
    unaryCases.forEach(({ name, shape }, i) => {
      const ref = unaryRun(referenceOps, name, shape, 10 * i);
      if (name === 'up2') ref[1] = up2GradClosedForm(shape, normals(ref[0].length, 10 * i + 1));
      unaryRef.set(`${name}${shape}`, ref);
    });
    await tf.setBackend('wasm');
  }, 60_000); // first call loads tfjs-core's gradient modules (seconds when the machine is busy)

  it('initTrainingBackend installs the training ops behind the model entry points', () => {
    expect(activeOps().groupNorm).toBe(trainingOps.groupNorm);
    expect(activeOps().silu).toBe(trainingOps.silu);
  });

  it.each(GN_CASES.map((c, i) => [`b${c.b} ${c.h}×${c.w}×${c.c} G${c.groups} mean ${c.shift}`, i] as const))(
    'GroupNorm: forward equals the reference; dx, dγ, dβ equal cpu autodiff (%s)', (_n, i) => {
      const [y, dx, dg, db] = gnRun(trainingOps, GN_CASES[i], 10 * i);
      const [yRef, dxRef, dgRef, dbRef] = gnRef[i];
      const [yWasmRef] = gnRun(referenceOps, GN_CASES[i], 10 * i); // the same forward on wasm
      expect(relErr(y, yWasmRef)).toBeLessThan(1e-5);
      expect(relErr(y, yRef)).toBeLessThan(1e-5);
      expect(relErr(dx, dxRef)).toBeLessThan(1e-5);
      expect(relErr(dg, dgRef)).toBeLessThan(1e-5);
      expect(relErr(db, dbRef)).toBeLessThan(1e-5);
    });

  it.each(unaryCases.map(({ name, shape }, i) => [`${name} [${shape}]`, i] as const))(
    '%s: forward equals the reference, gradient equals cpu autodiff (up2: the closed form)', (_n, i) => {
      const { name, shape } = unaryCases[i];
      const [y, dx] = unaryRun(trainingOps, name, shape, 10 * i);
      const [yRef, dxRef] = unaryRef.get(`${name}${shape}`)!;
      expect(relErr(y, yRef)).toBeLessThan(1e-6);
      expect(relErr(dx, dxRef)).toBeLessThan(1e-6);
    });

  it('GroupNorm and SiLU\'s gradient run on our wasm kernels where they apply (C a multiple of 4 for GroupNorm)', () => {
    expect(wasmKernelsReady(tf.backend())).toBe(true);
    expect(GN_CASES.map((c) => groupNormSimdHandles(tf.backend(), c.c))).toEqual([true, false, true, true, true]);
  });

  it('leaves the tensor and wasm buffer counts unchanged after forward+backward', () => {
    const both = () => [GN_CASES[0], GN_CASES[1]]; // our kernels and the composed form
    both().forEach((c) => gnRun(trainingOps, c, 1));
    unaryCases.forEach(({ name, shape }) => unaryRun(trainingOps, name, shape, 1));
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    both().forEach((c) => gnRun(trainingOps, c, 2));
    unaryCases.forEach(({ name, shape }) => unaryRun(trainingOps, name, shape, 2));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });

  it('GroupNorm with the training ops also runs outside a gradient tape without leaking', () => {
    const x = tf.tensor4d(normals(2 * 4 * 4 * 8, 3), [2, 4, 4, 8]);
    const g = tf.ones([8]) as tf.Tensor1D, b = tf.zeros([8]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const y = trainingOps.groupNorm(x, g, b, 4);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, g, b, y]);
  });
});
