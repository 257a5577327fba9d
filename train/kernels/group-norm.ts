// GroupNorm (Wu & He 2018) with a closed-form gradient, for training on wasm. Statistics come from a
// global avgPool (XNNPACK, no transposes) instead of tf.moments: 77.6 → 12.6 ms fwd+bwd at
// 64×64×32 batch 16 (measurements.md §1.3); where C is a multiple of 4 and our wasm kernels are
// prepared, two passes of those each way instead (group-norm-simd.ts). Same forward as
// referenceOps.groupNorm.
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM_EPS } from '../../src/lib/models/ops';
import { groupNormSimdHandles } from './group-norm-simd';

/** Per-(b, c) mean over H, W as one global average pool. [B, H, W, C] → [B, 1, 1, C]. Caller disposes. */
function channelMeans(t: tf.Tensor4D): tf.Tensor4D {
  return tf.avgPool(t, [t.shape[1], t.shape[2]], 1, 'valid');
}

/** Mean over each group of C/groups channels, repeated back per channel. [B, 1, 1, C] → [B, 1, 1, C]. */
function groupMean(perChannel: tf.Tensor4D, groups: number): tf.Tensor4D {
  const [b, , , c] = perChannel.shape;
  return tf.tidy(() => {
    const g = tf.mean(tf.reshape(perChannel, [b, groups, c / groups]), 2, true); // [B, G, 1]
    return tf.reshape(tf.broadcastTo(g, [b, groups, c / groups]), [b, 1, 1, c]);
  });
}

type GroupNormFn = (x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor4D;
const cache = new Map<string, GroupNormFn>();

/** The same op on our wasm kernels (group-norm-simd.ts): two passes forward, two backward. */
function makeGroupNormSimd(groups: number, eps: number): GroupNormFn {
  return tf.customGrad((...args) => {
    const [x, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [value, mu, rstd] = tf.engine().runKernel('NoisebookGroupNorm', { x, gamma, beta }, { groups, eps }) as tf.Tensor[];
    save([x, gamma, mu, rstd]);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
      const [xs, g, m, r] = saved;
      return tf.engine().runKernel('NoisebookGroupNormGrad', { dy, x: xs, gamma: g, mu: m, rstd: r }, { groups }) as tf.Tensor[];
    };
    return { value: value as tf.Tensor4D, gradFunc };
  }) as unknown as GroupNormFn;
}

function makeGroupNorm(groups: number, eps: number): GroupNormFn {
  return tf.customGrad((...args) => {
    const [x, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    // μ and E[x²] per group; var = E[x²] − μ² (clamped at 0). Fine for normalised activations; it
    // loses digits only when |μ| ≫ σ.
    const mu = groupMean(channelMeans(x), groups); // [B, 1, 1, C], μ of the channel's group
    const ex2 = groupMean(channelMeans(tf.square(x)), groups);
    const rstd = tf.rsqrt(tf.add(tf.relu(tf.sub(ex2, tf.square(mu))), eps)); // [B, 1, 1, C]
    const scale = tf.mul(rstd, gamma);
    const value = tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(mu, scale))) as tf.Tensor4D;
    save([x, gamma, mu, rstd]);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
      const [xs, g, m, r] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor4D];
      const hw = xs.shape[1] * xs.shape[2];
      return tf.tidy(() => {
        const mDy = channelMeans(dy); // [B, 1, 1, C] mean of dy
        const mDyX = channelMeans(tf.mul(dy, xs)); // mean of dy·x
        const centred = tf.sub(mDyX, tf.mul(m, mDy)); // mean of dy·(x − μ)
        // With ĝ = γ·dy and x̂ = (x − μ)·r, per group: dx = r(ĝ − mean ĝ − x̂·mean(ĝ x̂)).
        const meanG = groupMean(tf.mul(mDy, g), groups); // mean_g(γ dy)
        const q = tf.mul(tf.square(r), groupMean(tf.mul(centred, g), groups)); // r·mean_g(γ dy x̂)
        const c1 = tf.neg(tf.mul(r, q));
        const c0 = tf.mul(r, tf.sub(tf.mul(m, q), meanG));
        const dx = tf.add(tf.add(tf.mul(dy, tf.mul(r, g)), tf.mul(xs, c1)), c0);
        const dGamma = tf.reshape(tf.mul(tf.sum(tf.mul(centred, r), [0, 1, 2]), hw), [g.shape[0]]);
        const dBeta = tf.reshape(tf.mul(tf.sum(mDy, [0, 1, 2]), hw), [g.shape[0]]);
        return [dx, dGamma, dBeta];
      });
    };
    return { value, gradFunc };
  }) as unknown as GroupNormFn;
}

/**
 * GroupNorm, NHWC, with the same semantics as referenceOps.groupNorm: x [B, H, W, C], gamma/beta
 * [C], stats over (H, W, C/groups) per batch item. Caller disposes the result.
 */
export function groupNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, eps = GROUP_NORM_EPS): tf.Tensor4D {
  const c = x.shape[3];
  if (c % groups !== 0) throw new Error(`groupNorm: ${c} channels not divisible by ${groups} groups`);
  const simd = groupNormSimdHandles(tf.backend(), c);
  const key = `${groups}:${eps}:${simd}`;
  let fn = cache.get(key);
  if (fn === undefined) cache.set(key, (fn = simd ? makeGroupNormSimd(groups, eps) : makeGroupNorm(groups, eps)));
  return fn(x, gamma, beta);
}
