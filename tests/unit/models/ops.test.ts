// Reference forward ops of the U-Net (src/lib/models/ops.ts) against closed-form loops in plain JS,
// and the setTrainingOps registry that lets train/ swap in custom-gradient versions.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../../src/lib/math/rng';
import { down2, groupNorm, ops, referenceOps, setTrainingOps, silu, up2, type ModelOps } from '../../../src/lib/models/ops';

function randomTensor(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  const rng = makeRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal() * scale + shift), shape);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => setTrainingOps(null));

describe('reference ops', () => {
  it('groupNorm normalises over (H, W, C/groups) per batch item with biased variance and eps 1e-5', () => {
    const [B, H, W, C, G] = [2, 3, 5, 6, 3];
    const x = randomTensor([B, H, W, C], 1, 2, 0.5) as tf.Tensor4D;
    const gamma = randomTensor([C], 2) as tf.Tensor1D;
    const beta = randomTensor([C], 3) as tf.Tensor1D;
    const got = groupNorm(x, gamma, beta, G).dataSync();
    const xs = x.dataSync(), gs = gamma.dataSync(), bs = beta.dataSync();
    const cg = C / G;
    const idx = (b: number, i: number, j: number, c: number) => ((b * H + i) * W + j) * C + c;
    let maxErr = 0;
    for (let b = 0; b < B; b++) for (let g = 0; g < G; g++) {
      let s = 0, s2 = 0;
      const n = H * W * cg;
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let k = 0; k < cg; k++) s += xs[idx(b, i, j, g * cg + k)];
      const mu = s / n;
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let k = 0; k < cg; k++) s2 += (xs[idx(b, i, j, g * cg + k)] - mu) ** 2;
      const rstd = 1 / Math.sqrt(s2 / n + 1e-5);
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let k = 0; k < cg; k++) {
        const c = g * cg + k;
        const want = (xs[idx(b, i, j, c)] - mu) * rstd * gs[c] + bs[c];
        maxErr = Math.max(maxErr, Math.abs(got[idx(b, i, j, c)] - want));
      }
    }
    expect(maxErr).toBeLessThan(1e-5);
    tf.dispose([x, gamma, beta]);
  });

  it('groupNorm rejects a channel count not divisible by the groups', () => {
    const x = tf.zeros([1, 2, 2, 6]) as tf.Tensor4D;
    expect(() => groupNorm(x, tf.ones([6]), tf.zeros([6]), 4)).toThrow(/divisible/);
    x.dispose();
  });

  it('silu is x·σ(x)', () => {
    const x = tf.tensor1d([-3, -0.5, 0, 0.7, 4]);
    const got = Array.from(silu(x).dataSync());
    const want = [-3, -0.5, 0, 0.7, 4].map((v) => v / (1 + Math.exp(-v)));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    x.dispose();
  });

  it('down2 averages 2×2 blocks and up2 copies each pixel to a 2×2 block', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    expect(Array.from(down2(x).dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
    const small = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(up2(small).dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    tf.dispose([x, small]);
  });

  it('down2 of up2 is the identity (shapes and values)', () => {
    const x = randomTensor([2, 3, 5, 4], 9) as tf.Tensor4D;
    const y = down2(up2(x));
    expect(y.shape).toEqual([2, 3, 5, 4]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([x, y]);
  });
});

describe('setTrainingOps', () => {
  it('routes the dispatching functions and ops.* to the installed implementation, and null restores the reference', () => {
    const calls: string[] = [];
    const spy: Partial<ModelOps> = { silu: (x) => { calls.push('silu'); return referenceOps.silu(x); } };
    setTrainingOps(spy);
    const x = tf.tensor1d([1, 2]);
    silu(x); ops.silu(x);
    expect(calls).toEqual(['silu', 'silu']);
    // entries not supplied keep the reference
    const y = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(ops.down2(y).dataSync())).toEqual([2.5]);
    setTrainingOps(null);
    silu(x);
    expect(calls).toHaveLength(2);
    tf.dispose([x, y]);
  });
});
