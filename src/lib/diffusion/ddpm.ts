// One reverse step of DDPM (Ho et al. 2020, Algorithm 2):
// x_{t−1} = (1/√α_t)·(x_t − (β_t/√(1−ᾱ_t))·ε̂) + σ_t z, with σ_t² = β_t or β̃_t and no noise at the last step.
import * as tf from '@tensorflow/tfjs-core';
import type { Schedule } from './schedule';

/** σ_t² = β_t (the upper bound on the reverse variance) or β̃_t (the lower bound); DDPM §3.2 finds them similar. */
export type DdpmVariance = 'beta' | 'posterior';

/** x_{prev} = xt·x_t − eps·ε̂ + sigma·z. */
export interface DdpmCoefficients {
  xt: number;
  eps: number;
  sigma: number;
}

/**
 * The float64 coefficients of the step from t to tPrev < t. With tPrev = t − 1 this is Algorithm 2 on the
 * schedule's own β_t; with a larger jump it is the respaced DDPM of improved-diffusion (`space_timesteps`),
 * where β' = 1 − ᾱ_t/ᾱ_tPrev.
 */
export function ddpmCoefficients(
  schedule: Schedule,
  t: number,
  tPrev: number = t - 1,
  variance: DdpmVariance = 'beta',
): DdpmCoefficients {
  if (!Number.isInteger(t) || !Number.isInteger(tPrev) || tPrev < 0 || tPrev >= t || t > schedule.T) {
    throw new RangeError(`need integers 0 ≤ tPrev < t ≤ ${schedule.T}, got t=${t}, tPrev=${tPrev}`);
  }
  // β from the schedule when the step is a single one: 1 − ᾱ_t/ᾱ_{t−1} would lose digits to cancellation.
  const beta = tPrev === t - 1 ? schedule.betas[t] : 1 - schedule.alphaBar[t] / schedule.alphaBar[tPrev];
  const alpha = 1 - beta;
  const noiseVar = schedule.oneMinusAlphaBar[t];
  const sigma2 = tPrev === 0 ? 0 : variance === 'beta' ? beta : (beta * schedule.oneMinusAlphaBar[tPrev]) / noiseVar;
  return { xt: 1 / Math.sqrt(alpha), eps: beta / Math.sqrt(noiseVar) / Math.sqrt(alpha), sigma: Math.sqrt(sigma2) };
}

/**
 * Applies one DDPM step. xt, eps, noise: the same shape, e.g. [B, H, W, C]. `noise` (standard normal,
 * drawn by the caller from its seeded RNG) is required when coef.sigma > 0 and ignored otherwise.
 * The caller disposes the result.
 */
export function ddpmStep(xt: tf.Tensor, eps: tf.Tensor, coef: DdpmCoefficients, noise: tf.Tensor | null = null): tf.Tensor {
  if (coef.sigma > 0 && !noise) throw new Error('ddpmStep: sigma > 0 needs a noise tensor');
  return tf.tidy(() => {
    const mean = tf.sub(tf.mul(xt, tf.scalar(coef.xt)), tf.mul(eps, tf.scalar(coef.eps)));
    return coef.sigma > 0 && noise ? tf.add(mean, tf.mul(noise, tf.scalar(coef.sigma))) : mean;
  });
}
