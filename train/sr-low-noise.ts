// Where the SR training steps t are drawn. objective.ts draws t uniformly in 1..T, as DDPM does. For a
// preconditioned SR model (sr.residualStd) that spends most examples where they teach least: the residual
// (truth − upsample) has σ_d ≈ 0.1, so for t above ~175 (cosine schedule, σ = √((1−ᾱ)/ᾱ) > 0.3) x_t says
// almost nothing about it and every such t is the same task, predicting the residual's mean from the low-res
// input. The noise levels where the sampler commits texture and edges, σ near σ_d, got ~17% of the examples.
// EDM (Karras et al. 2022, Table 1, "p_train") draws ln σ ~ N(P_mean, P_std²) with P_mean = −1.2,
// P_std = 1.2 for σ_d = 0.5, a median σ a little below σ_d. sr.lowNoiseShare of the examples take a t drawn
// with EDM's P_std and the median at this residual's overall σ_d (not below it: with sr.varianceWeightFrom's
// σ_d² weights the loss is mostly the strong components, σ_d 0.1–0.27, where the edges are); the rest keep
// the uniform draw. With σ_d = 0.1 the draws' quartiles are t ≈ 22 and 135 (cosine, T = 1000).
import { deriveSeed, makeRng } from '../src/lib/math/rng';
import type { Schedule } from '../src/lib/diffusion/schedule';

/** deriveSeed stream of the low-noise t draws: its own, so objective.ts's t and ε draws stay as they were. */
export const LOW_NOISE_STREAM = 207;

/** EDM's P_std (Karras et al. 2022, Table 1): the spread of ln σ. */
export const EDM_LOG_SIGMA_STD = 1.2;

/** The step t in 1..T whose σ_t = √((1−ᾱ_t)/ᾱ_t) is nearest σ in log σ (σ_t grows with t). */
export function stepOfSigma(schedule: Schedule, sigma: number): number {
  const target = Math.log(sigma);
  const logSigma = (t: number) => -0.5 * schedule.logSnr[t]; // σ² = 1/SNR
  let lo = 1;
  let hi = schedule.T;
  if (target <= logSigma(lo)) return lo;
  if (target >= logSigma(hi)) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (logSigma(mid) < target) lo = mid;
    else hi = mid;
  }
  return target - logSigma(lo) <= logSigma(hi) - target ? lo : hi;
}

export interface LowNoiseSettings {
  /** Share of examples whose t is drawn from EDM's log-normal σ around σ_d (0..1). */
  share: number;
  /** First step at which the share applies. */
  from: number;
  /** The residual's σ_d the log-normal is centred on (sr.residualStd). */
  sigmaData: number;
}

/**
 * Replaces, in place, the t of each example that a draw from (seed, LOW_NOISE_STREAM, step) assigns to the
 * low-noise share by a t from EDM's log-normal σ. Returns `t`. Before `from` it changes nothing.
 */
export function drawLowNoiseSteps(t: number[], seed: number, step: number, s: LowNoiseSettings, schedule: Schedule): number[] {
  if (s.share <= 0 || step < s.from) return t;
  const rng = makeRng(deriveSeed(deriveSeed(seed, LOW_NOISE_STREAM), step));
  for (let i = 0; i < t.length; i++) {
    const pick = rng.next() < s.share;
    const z = rng.normal(); // drawn for every example, so one example's pick does not shift the others' σ
    if (pick) t[i] = stepOfSigma(schedule, s.sigmaData * Math.exp(EDM_LOG_SIGMA_STD * z));
  }
  return t;
}
