// The U-Net's building blocks — the stride-1 convolution, GroupNorm (Wu & He 2018, eq. 1–2 with
// groups), SiLU (Elfwing et al. 2018), 2× average-pool down and 2× nearest up — as one swappable set
// of functions. The reference set is plain tfjs-core forwards; the engine swaps in our wasm kernels
// and Node training custom-gradient versions, each with the same forward (setTrainingOps), so src/
// never imports train/.
import * as tf from '@tensorflow/tfjs-core';

/** The ops a model builder may call. Every implementation must give the same forward values. */
export interface ModelOps {
  /**
   * GroupNorm, NHWC. x [B, H, W, C], gamma [C], beta [C] → [B, H, W, C].
   * Channels split into `groups` contiguous groups of C/groups (C must be divisible by groups).
   * For each batch item b and group g: μ, σ² = mean and *biased* variance over (H, W, C/groups);
   * y = (x − μ) / sqrt(σ² + eps) · gamma[c] + beta[c]. eps defaults to 1e-5 (PyTorch's default).
   */
  groupNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, eps?: number): tf.Tensor4D;
  /** SiLU / swish: x · σ(x), elementwise, any shape. */
  silu<T extends tf.Tensor>(x: T): T;
  /**
   * A 'same', stride-1 convolution plus bias: x [B, H, W, Ci], filter [k, k, Ci, Co], bias [Co] →
   * [B, H, W, Co] (tf.conv2d's cross-correlation).
   */
  conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D;
  /** conv2d(up2(x), filter, bias): [B, H, W, Ci] → [B, 2H, 2W, Co] (LDM's Upsample with_conv). */
  conv2dUp2(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D;
  /** 2× down: mean of each non-overlapping 2×2 block. [B, H, W, C] → [B, H/2, W/2, C]; H, W even. */
  down2(x: tf.Tensor4D): tf.Tensor4D;
  /** 2× nearest up: each pixel copied to a 2×2 block. [B, H, W, C] → [B, 2H, 2W, C]. */
  up2(x: tf.Tensor4D): tf.Tensor4D;
}

export const GROUP_NORM_EPS = 1e-5;

/** Plain forward implementations from tfjs-core ops: the browser's and the reference. Callers dispose results. */
export const referenceOps: ModelOps = {
  groupNorm(x, gamma, beta, groups, eps = GROUP_NORM_EPS) {
    const [b, h, w, c] = x.shape;
    if (c % groups !== 0) throw new Error(`groupNorm: ${c} channels not divisible by ${groups} groups`);
    return tf.tidy(() => {
      const xg = tf.reshape(x, [b, h, w, groups, c / groups]); // [B, H, W, G, C/G]
      const { mean, variance } = tf.moments(xg, [1, 2, 4], true); // [B, 1, 1, G, 1]
      const xn = tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, eps)));
      return tf.add(tf.mul(tf.reshape(xn, [b, h, w, c]), gamma), beta) as tf.Tensor4D;
    });
  },
  silu<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => tf.mul(x, tf.sigmoid(x))) as T;
  },
  conv2d(x, filter, bias) {
    return tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias });
  },
  // Composed of the active set's two ops, so the trainer's custom-gradient up2 and conv serve it there.
  conv2dUp2(x, filter, bias) {
    return tf.tidy(() => active.conv2d(active.up2(x), filter, bias));
  },
  down2(x) {
    if (x.shape[1] % 2 !== 0 || x.shape[2] % 2 !== 0) throw new Error(`down2: odd size ${x.shape}`);
    return tf.avgPool(x, 2, 2, 'valid');
  },
  up2(x) {
    // For an exact 2× factor nearest resize copies pixel (i, j) to (2i..2i+1, 2j..2j+1).
    return tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]);
  },
};

let active: ModelOps = referenceOps;

/**
 * Swap the implementation behind conv2d/conv2dUp2/groupNorm/silu/down2/up2 (train/ installs custom-gradient
 * versions; the engine its wasm GroupNorm, wasm-kernels/install.ts). Missing entries keep the
 * reference; `null` restores the reference set.
 */
export function setTrainingOps(impl: Partial<ModelOps> | null): void {
  active = impl === null ? referenceOps : { ...referenceOps, ...impl };
}

/** The implementation currently behind the dispatching functions below. */
export function activeOps(): ModelOps {
  return active;
}

// Dispatching entry points: model code calls these (or `ops.x`) so training and browser share one
// definition. Each returns a new tensor the caller disposes (or a surrounding tf.tidy does).
export function groupNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, eps = GROUP_NORM_EPS): tf.Tensor4D {
  return active.groupNorm(x, gamma, beta, groups, eps);
}
export function silu<T extends tf.Tensor>(x: T): T {
  return active.silu(x);
}
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  return active.conv2d(x, filter, bias);
}
export function conv2dUp2(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  return active.conv2dUp2(x, filter, bias);
}
export function down2(x: tf.Tensor4D): tf.Tensor4D {
  return active.down2(x);
}
export function up2(x: tf.Tensor4D): tf.Tensor4D {
  return active.up2(x);
}

/** Namespace form: `import { ops } from './ops'; ops.groupNorm(...)`. */
export const ops: ModelOps = { groupNorm, silu, conv2d, conv2dUp2, down2, up2 };
