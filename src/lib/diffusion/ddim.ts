// One DDIM step (Song, Meng, Ermon 2021, Eq. 12) on a sub-sequence of timesteps, with σ(η) of Eq. 16:
// x_prev = √ᾱ_prev·x̂₀ + √(1 − ᾱ_prev − σ²)·ε̂ + σ·z. η = 0 is deterministic; η = 1 has DDPM's posterior variance.
import * as tf from '@tensorflow/tfjs-core';
import type { Schedule } from './schedule';

/** How the S visited timesteps spread over 1..T. */
export type Spacing = 'trailing' | 'quadratic';
export const SPACINGS: readonly Spacing[] = ['trailing', 'quadratic'];

/**
 * The S timesteps a sampler visits, descending from T; the last step goes from τ_1 to 0.
 * 'trailing': τ_i = round(i·T/S) for i = S..1, the spacing of Lin et al. 2023 (arXiv 2305.08891, Table 2):
 * it starts at t = T, where x_T ~ N(0, I) is a correct start, unlike DDIM's original range(0, T, T/S),
 * which starts at T − T/S + 1 and never sees the noisiest step.
 * 'quadratic': τ_i = round(T·(i/S)²), DDIM's quadratic selection (Song et al. 2021, App. D.2), also ending
 * at T: more steps at low noise, where fine detail is decided, so the last x̂₀ is taken at τ_1 = T/S² rather
 * than T/S (40 instead of 200 for S = 5). A τ that would repeat the one below is raised by one.
 */
export function ddimTimesteps(T: number, steps: number, spacing: Spacing = 'trailing'): number[] {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  if (!Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new RangeError(`steps must be an integer in [1, ${T}], got ${steps}`);
  }
  if (!SPACINGS.includes(spacing)) throw new RangeError(`unknown spacing ${String(spacing)}`);
  const up: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const t = spacing === 'trailing' ? Math.round((i * T) / steps) : Math.round(T * (i / steps) ** 2);
    // (i/S)²·T ≤ i·T/S and the previous τ is at most i − 1 < i ≤ i·T/S, so raising never passes T.
    up.push(Math.max(t, (up[i - 2] ?? 0) + 1));
  }
  return up.reverse();
}

/** σ_τ(η) = η·√((1−ᾱ_prev)/(1−ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev) (Eq. 16). */
export function ddimSigma(schedule: Schedule, t: number, tPrev: number, eta: number): number {
  if (!Number.isInteger(t) || !Number.isInteger(tPrev) || tPrev < 0 || tPrev >= t || t > schedule.T) {
    throw new RangeError(`need integers 0 ≤ tPrev < t ≤ ${schedule.T}, got t=${t}, tPrev=${tPrev}`);
  }
  if (!(eta >= 0 && eta <= 1)) throw new RangeError(`eta must be in [0, 1], got ${eta}`);
  if (eta === 0 || tPrev === 0) return 0; // at tPrev = 0, 1 − ᾱ_prev = 0
  const ratio = schedule.alphaBar[t] / schedule.alphaBar[tPrev];
  const stepBeta = tPrev === t - 1 ? schedule.betas[t] : 1 - ratio;
  return eta * Math.sqrt((schedule.oneMinusAlphaBar[tPrev] / schedule.oneMinusAlphaBar[t]) * stepBeta);
}

/** x_prev = x0·x̂₀ + eps·ε̂ + sigma·z. */
export interface DdimCoefficients {
  x0: number;
  eps: number;
  sigma: number;
}

export function ddimCoefficients(schedule: Schedule, t: number, tPrev: number, eta: number): DdimCoefficients {
  const sigma = ddimSigma(schedule, t, tPrev, eta);
  // max(0, ·) only guards rounding: σ² ≤ 1 − ᾱ_prev holds exactly for η ≤ 1
  const direction = Math.sqrt(Math.max(0, schedule.oneMinusAlphaBar[tPrev] - sigma * sigma));
  return { x0: Math.sqrt(schedule.alphaBar[tPrev]), eps: direction, sigma };
}

/**
 * Applies one DDIM step. x0, eps, noise: the same shape, e.g. [B, H, W, C]; `noise` (standard normal,
 * from the caller's seeded RNG) is required when coef.sigma > 0. The caller disposes the result.
 */
export function ddimStep(x0: tf.Tensor, eps: tf.Tensor, coef: DdimCoefficients, noise: tf.Tensor | null = null): tf.Tensor {
  if (coef.sigma > 0 && !noise) throw new Error('ddimStep: sigma > 0 needs a noise tensor');
  return tf.tidy(() => {
    const mean = tf.add(tf.mul(x0, tf.scalar(coef.x0)), tf.mul(eps, tf.scalar(coef.eps)));
    return coef.sigma > 0 && noise ? tf.add(mean, tf.mul(noise, tf.scalar(coef.sigma))) : mean;
  });
}
