// Global-norm gradient clipping (Pascanu, Mikolov & Bengio 2013, Algorithm 1; torch's
// clip_grad_norm_): if ‖g‖₂ over all parameters exceeds maxNorm, scale every gradient by maxNorm/‖g‖.
import * as tf from '@tensorflow/tfjs-core';

/** √(Σ over all tensors of Σ g²). Returns a scalar tensor the caller disposes. */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * Returns the clipped gradients (new tensors the caller disposes; the inputs stay the caller's) and
 * the norm before clipping (a number, for the loss log). maxNorm ≤ 0 or ∞ disables clipping.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  const normT = globalNorm(grads);
  const norm = normT.dataSync()[0];
  normT.dispose();
  const scale = maxNorm > 0 && Number.isFinite(maxNorm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  const out: tf.NamedTensorMap = {};
  for (const [k, g] of Object.entries(grads)) out[k] = scale === 1 ? tf.clone(g) : tf.mul(g, scale);
  return { grads: out, norm };
}
