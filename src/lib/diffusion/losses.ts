// The training objective L_simple (DDPM Eq. 14): E_{t,x₀,ε} ‖target − f_θ(x_t, t)‖² with t uniform on
// {1..T}, for ε-targets (DDPM) or v-targets (Salimans & Ho 2022, where the v-loss is the x-loss weighted by 1 + SNR).
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/rng';
import type { Prediction } from './prediction';

/** B timesteps drawn uniformly from {1..T}. */
export function sampleTrainingSteps(batch: number, T: number, rng: Rng): number[] {
  return Array.from({ length: batch }, () => 1 + rng.int(T));
}

/**
 * The regression target for a batch whose examples have their own ᾱ. x0, eps: [B, ...]; alphaBars: B values.
 * ε for 'eps', x₀ for 'x0', v = √ᾱ·ε − √(1−ᾱ)·x₀ for 'v'. The caller disposes the result.
 */
export function trainingTarget(
  prediction: Prediction,
  x0: tf.Tensor,
  eps: tf.Tensor,
  alphaBars: ArrayLike<number>,
): tf.Tensor {
  if (prediction === 'eps') return tf.clone(eps);
  if (prediction === 'x0') return tf.clone(x0);
  const b = x0.shape[0];
  if (b === undefined || alphaBars.length !== b) {
    throw new RangeError(`need one alphaBar per example: batch ${b}, got ${alphaBars.length}`);
  }
  const a = Float32Array.from({ length: b }, (_, i) => Math.sqrt(alphaBars[i]));
  const s = Float32Array.from({ length: b }, (_, i) => Math.sqrt(1 - alphaBars[i]));
  const coefShape = [b, ...x0.shape.slice(1).map(() => 1)]; // [B, 1, ..., 1]
  return tf.tidy(() => tf.sub(tf.mul(eps, tf.tensor(a, coefShape)), tf.mul(x0, tf.tensor(s, coefShape))));
}

/** Mean squared error over every element (DDPM's `mean_flat` of the squared error, then the batch mean). */
export function lSimple(output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(output, target)) as tf.Scalar);
}

/**
 * L_simple for one batch: the MSE between the network output and the target of its parameterization.
 * Runs inside the caller's tf.variableGrads / tf.tidy as usual; returns a scalar the caller disposes.
 */
export function diffusionLoss(
  prediction: Prediction,
  output: tf.Tensor,
  x0: tf.Tensor,
  eps: tf.Tensor,
  alphaBars: ArrayLike<number>,
): tf.Scalar {
  return tf.tidy(() => lSimple(output, trainingTarget(prediction, x0, eps, alphaBars)));
}

/**
 * Min-SNR-γ loss weights, one per example (Hang et al. 2023, "Efficient Diffusion Training via Min-SNR
 * Weighting Strategy", arXiv 2303.09556, §3.4): the x₀-loss of each t weighted by min(SNR_t, γ), so the
 * low-noise steps, whose SNR is huge, stop dominating. Expressed on the loss of each target, whose
 * x₀-weight is SNR (ε), 1 (x₀) or SNR + 1 (v): min(SNR, γ)/SNR, min(SNR, γ) and min(SNR, γ)/(SNR + 1).
 */
export function minSnrWeights(prediction: Prediction, alphaBars: ArrayLike<number>, gamma: number): number[] {
  return Array.from(alphaBars, (ab) => {
    const snr = ab / (1 - ab);
    const clipped = Math.min(snr, gamma);
    return prediction === 'eps' ? clipped / snr : prediction === 'x0' ? clipped : clipped / (snr + 1);
  });
}

/** The mean over examples of weights[b] · (mean squared error of example b). Returns a scalar the caller disposes. */
export function weightedLSimple(output: tf.Tensor, target: tf.Tensor, weights: ArrayLike<number>): tf.Scalar {
  const b = output.shape[0] as number;
  if (weights.length !== b) throw new RangeError(`need one weight per example: batch ${b}, got ${weights.length}`);
  return tf.tidy(() => {
    const perExample = tf.mean(tf.reshape(tf.squaredDifference(output, target), [b, -1]), 1); // [B]
    return tf.mean(tf.mul(perExample, tf.tensor1d(Float32Array.from(weights)))) as tf.Scalar;
  });
}
