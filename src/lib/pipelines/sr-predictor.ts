// A super-resolution stage's predictor and where its denoiser takes over: predictor + refiner (Whang et al.
// 2022, "Deblurring via Stochastic Refinement", arXiv 2112.02475, who train the two together; ours are trained
// one after the other, each on its own). The predictor is the stage's U-Net trained for the
// pixel MSE of x₀ given the low-res input alone (train/sr-data.ts SrSettings.regression), so it returns the
// conditional mean in one pass: sharper than bicubic where the input pins an edge down, smooth where it
// cannot. The denoiser then starts the reverse process at t₀ = refineFrom from that mean, forward-noised
// (q(x_t₀ | x̂₀), DDPM Eq. 4), instead of from pure noise at T: "come closer, diffuse faster" (Chung et al.
// 2022, CCDF, arXiv 2112.05146), so the steps go where texture is decided and the mean's edges survive into the sample.
import * as tf from '@tensorflow/tfjs-core';
import { fillNormal, type Rng } from '../math/rng';
import { PREDICTOR_PREFIX, type Manifest } from '../models/manifest';
import type { UNetWeights } from '../models/unet';

/**
 * The predictor's weights out of a loaded record (manifest predictorWeights, named PREDICTOR_PREFIX + name;
 * the same tensors, not copies) and the t its denoiser takes over at, or null for a stage without one.
 * `fail` throws the caller's error naming the problem.
 */
export function predictorFrom(
  manifest: Manifest,
  weights: UNetWeights,
  refineFrom: unknown,
  T: number,
  fail: (what: string) => never,
): { weights: UNetWeights; refineFrom: number } | null {
  const specs = manifest.predictorWeights;
  if (specs === undefined) return refineFrom === undefined ? null : fail('.refineFrom is set, but the manifest has no predictorWeights');
  if (!(Number.isInteger(refineFrom) && (refineFrom as number) >= 1 && (refineFrom as number) <= T)) {
    return fail(`.refineFrom must be a whole step in [1, ${T}] with predictorWeights`);
  }
  const out: UNetWeights = {};
  for (const s of specs) {
    const w = weights[PREDICTOR_PREFIX + s.name];
    if (!w) return fail(`: the predictor's weight ${s.name} is not loaded`);
    out[s.name] = w;
  }
  return { weights: out, refineFrom: refineFrom as number };
}

/**
 * x_t₀ drawn from q(x_t₀ | x̂₀) = N(√ᾱ_t₀·x̂₀, (1 − ᾱ_t₀)·I) (DDPM Eq. 4) around the predictor's mean, ε from
 * `rng` (one N(0, I) per value, the draw x_T would have taken). The caller disposes it.
 */
export function refinementStart(mean: tf.Tensor4D, alphaBar: number, rng: Rng): tf.Tensor4D {
  const eps = fillNormal(new Float32Array(mean.size), rng);
  return tf.tidy(() => tf.add(tf.mul(mean, Math.sqrt(alphaBar)), tf.mul(tf.tensor(eps, mean.shape), Math.sqrt(1 - alphaBar)))) as tf.Tensor4D;
}
