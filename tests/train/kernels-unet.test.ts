// End to end: gradients of a small U-Net (src/lib/models/unet.ts) w.r.t. every weight on wasm with
// the training kernels and custom-gradient ops equal cpu autodiff of the reference ops.
// Batch 1: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad is wrong for batch > 1 (see ops.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../src/lib/math/rng';
import { setTrainingOps } from '../../src/lib/models/ops';
import { buildUNet } from '../../src/lib/models/unet';
import { initTrainingBackend } from '../../train/backend';
import { trainingOps } from '../../train/kernels/ops';

const net = buildUNet({ baseChannels: 8, channelMults: [1, 2], groups: 4, timeFeatures: 16, embedDim: 32 });
function normals(n: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

// The init zeroes the last conv of each residual branch and the output conv (so the net starts as
// an identity-ish map); that would zero most gradients, so give those weights small random values.
const init = new Map([...net.init(makeRng(5))].map(([name, v], i) =>
  [name, v.every((a) => a === 0) ? normals(v.length, 1000 + i).map((a) => 0.1 * a) : v] as const));

/** Gradient of Σ r·unet(x, t) w.r.t. every weight, by name, on the active backend and op set. */
function weightGrads(): Map<string, Float32Array> {
  const names = net.specs.map((s) => s.name);
  const grads = tf.tidy(() => {
    const ws = net.specs.map((s) => tf.tensor(init.get(s.name)!, s.shape));
    const x = tf.tensor4d(normals(8 * 8 * 3, 1), [1, 8, 8, 3]);
    const t = tf.tensor1d([417]);
    const r = tf.tensor4d(normals(8 * 8 * 3, 2), [1, 8, 8, 3]);
    const loss = (...w: tf.Tensor[]) => {
      const weights = Object.fromEntries(names.map((n, i) => [n, w[i]]));
      return tf.sum(tf.mul(net.apply(weights, x, t), r));
    };
    return tf.grads(loss)(ws).map((g) => g.dataSync<'float32'>().slice());
  });
  return new Map(names.map((n, i) => [n, grads[i]]));
}

describe('U-Net gradients on wasm', () => {
  let reference: Map<string, Float32Array>;

  beforeAll(async () => {
    await initTrainingBackend({ threads: 1, verbose: false });
    await tf.setBackend('cpu');
    setTrainingOps(null);
    reference = weightGrads();
    setTrainingOps(trainingOps);
    await tf.setBackend('wasm');
  }, 60_000);

  it('every weight gradient matches cpu autodiff of the reference ops to 1e-5 relative', () => {
    const got = weightGrads();
    expect(got.size).toBe(net.specs.length);
    let worst = 0;
    for (const [name, want] of reference) {
      expect(want.some((a) => a !== 0), `${name} has a nonzero gradient`).toBe(true);
      const g = got.get(name)!;
      let num = 0, den = 0;
      for (let i = 0; i < want.length; i++) {
        num = Math.max(num, Math.abs(g[i] - want[i]));
        den = Math.max(den, Math.abs(want[i]));
      }
      if (den > 0) worst = Math.max(worst, num / den);
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('a gradient step leaves the tensor count unchanged', () => {
    weightGrads();
    const before = tf.memory().numTensors;
    weightGrads();
    expect(tf.memory().numTensors).toBe(before);
  });
});
