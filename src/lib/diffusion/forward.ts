// The forward process q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I), sampled as x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε
// (DDPM Eq. 4; DDIM paper Eq. 4). Tensor versions for models, a typed-array version for live widgets.
import * as tf from '@tensorflow/tfjs-core';

function checkAlphaBar(alphaBar: number): void {
  if (!(alphaBar >= 0 && alphaBar <= 1)) throw new RangeError(`alphaBar must be in [0, 1], got ${alphaBar}`);
}

/**
 * x_t from x_0 and ε (same shape, any rank) at one noise level. The caller disposes the result.
 * Only the two float64 coefficients become (float32 scalar) tensors.
 */
export function qSample(x0: tf.Tensor, eps: tf.Tensor, alphaBar: number): tf.Tensor {
  checkAlphaBar(alphaBar);
  return tf.tidy(() =>
    tf.add(tf.mul(x0, tf.scalar(Math.sqrt(alphaBar))), tf.mul(eps, tf.scalar(Math.sqrt(1 - alphaBar)))),
  );
}

/**
 * x_t for a batch where every example has its own noise level (training draws t per example).
 * x0, eps: [B, ...]; alphaBars: B values. The caller disposes the result.
 */
export function qSampleBatch(x0: tf.Tensor, eps: tf.Tensor, alphaBars: ArrayLike<number>): tf.Tensor {
  const b = x0.shape[0];
  if (b === undefined || alphaBars.length !== b) {
    throw new RangeError(`need one alphaBar per example: batch ${b}, got ${alphaBars.length}`);
  }
  const signal = new Float32Array(b);
  const noise = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    checkAlphaBar(alphaBars[i]);
    signal[i] = Math.sqrt(alphaBars[i]);
    noise[i] = Math.sqrt(1 - alphaBars[i]);
  }
  // [B, 1, ..., 1] so the coefficients broadcast over each example
  const coefShape = [b, ...x0.shape.slice(1).map(() => 1)];
  return tf.tidy(() =>
    tf.add(tf.mul(x0, tf.tensor(signal, coefShape)), tf.mul(eps, tf.tensor(noise, coefShape))),
  );
}

/**
 * The same formula on plain arrays, written into `out` (which may alias x0 or eps); returns `out`.
 * For widgets that re-noise a 1024×1024×3 image on every slider move, where tensors would cost an
 * upload and a download per frame.
 */
export function qSampleInto(out: Float32Array, x0: Float32Array, eps: Float32Array, alphaBar: number): Float32Array {
  checkAlphaBar(alphaBar);
  if (x0.length !== out.length || eps.length !== out.length) {
    throw new RangeError(`length mismatch: out ${out.length}, x0 ${x0.length}, eps ${eps.length}`);
  }
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  for (let i = 0; i < out.length; i++) out[i] = a * x0[i] + s * eps[i];
  return out;
}
