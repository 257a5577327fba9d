// The latent against the prior (lesson 4, "the prior"): per-channel statistics of a latent, the latent
// mixed with Gaussian noise of the same per-channel mean and spread, and a latent drawn from N(0, I)
// alone. The KL term of the VAE (Kingma & Welling 2014, Eq. 10) pulls each posterior towards N(0, I),
// but LDM weights it by ~1e-6 (Rombach et al. 2022, App. G; ours by 1e-8 on a mean), so the latent's
// values need not look like N(0, 1) at all; the histogram and the decodes here show how far they are.
// Latents are HWC, [side, side, c], as the engine sends them.
import { makeRng } from '$lib/math/rng';

export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** Mean and standard deviation of each of the c channels over all cells. */
export function channelStats(latent: Float32Array, c: number): ChannelStats {
  if (!Number.isInteger(c) || c < 1 || latent.length % c !== 0) throw new RangeError(`a latent of ${latent.length} values has no ${c} channels`);
  const n = latent.length / c;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < latent.length; i++) {
    const v = latent[i];
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, k) => Math.sqrt(Math.max(0, s / n - mean[k] * mean[k])));
  return { mean, std };
}

/**
 * z' = z̄ + √(1 − m)·(z − z̄) + √m·s·ε per channel, ε ~ N(0, I) from `seed`: the forward process of
 * lesson 1 applied around each channel's mean z̄ with its own spread s, so every m keeps the channel's
 * mean and variance (for independent ε) and only the *arrangement* of values is lost. m = 0 is the
 * latent, m = 1 noise with the latent's statistics.
 */
export function mixLatent(latent: Float32Array, c: number, m: number, seed: number, stats: ChannelStats = channelStats(latent, c)): Float32Array {
  if (!(m >= 0 && m <= 1)) throw new RangeError(`the mix m must be in [0, 1], got ${m}`);
  const keep = Math.sqrt(1 - m);
  const add = Math.sqrt(m);
  const rng = makeRng(seed);
  const out = new Float32Array(latent.length);
  for (let i = 0; i < latent.length; i++) {
    const k = i % c;
    const noise = m > 0 ? rng.normal() : 0;
    out[i] = stats.mean[k] + keep * (latent[i] - stats.mean[k]) + add * stats.std[k] * noise;
  }
  return out;
}

/** A latent of side²·c values drawn from N(0, I): the prior the KL term points at. */
export function priorLatent(side: number, c: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  const out = new Float32Array(side * side * c);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** The posterior's mean standard deviation, mean of exp(logvar / 2) over all values: how much noise the encoder itself adds. */
export function meanPosteriorStd(logvar: Float32Array): number {
  if (logvar.length === 0) return NaN;
  let s = 0;
  for (const v of logvar) s += Math.exp(v / 2);
  return s / logvar.length;
}

/** Mean and standard deviation of all values together. */
export function overallStats(values: Float32Array): { mean: number; std: number } {
  let s = 0;
  let q = 0;
  for (const v of values) {
    s += v;
    q += v * v;
  }
  const n = Math.max(1, values.length);
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(0, q / n - mean * mean)) };
}

/** A symmetric histogram range [−r, r] that holds all but the outer 0.5 % of |values|, and at least [−4, 4] (where N(0, 1) lives). */
export function symmetricRange(values: Float32Array, floor = 4): number {
  const abs = Float32Array.from(values, Math.abs).sort();
  const q = abs.length > 0 ? abs[Math.min(abs.length - 1, Math.floor(0.995 * abs.length))] : 0;
  return Math.max(floor, Math.ceil(q));
}
