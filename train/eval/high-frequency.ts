// High-frequency energy of image sets, per scene kind: what a blurry model lacks even when its colours
// and layout are right (the penultimate-feature Fréchet distance cannot tell blur apart, issue 19).
// Two bands from the nested box pyramid of src/lib/data/measure.ts: `fine` is the mean square of
// x − up(down₂ x) (detail of one pixel), `mid` that of up(down₂ x) − up(down₄ x) (detail of 2–4 px).
// Block-constant images at 2 px are a subspace of those at 1 px, so the two are orthogonal projections'
// residuals and mid = detailEnergy(x, 4) − detailEnergy(x, 2) exactly (Pythagoras), never negative.
// A set is compared with a reference set kind by kind as a ratio of mean energies: 1 means as much
// detail as real scenes, blur gives < 1, noise (or pixel shuffling) > 1.
import { detailEnergy } from '../../src/lib/data';

export const HF_BANDS = ['fine', 'mid'] as const;
export type HfBand = (typeof HF_BANDS)[number];

/** Per image of [N, size, size, 3] (end to end): the energy of each band. */
export function bandEnergies(images: Float32Array, size: number): Record<HfBand, Float64Array> {
  const per = size * size * 3;
  const n = images.length / per;
  if (!Number.isInteger(n)) throw new Error(`bandEnergies: ${images.length} values are not whole ${size}×${size} images`);
  if (size % 4 !== 0) throw new Error(`bandEnergies: side ${size} must be divisible by 4`);
  const fine = new Float64Array(n);
  const mid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * per, (i + 1) * per);
    fine[i] = detailEnergy(img, size, 2);
    mid[i] = Math.max(0, detailEnergy(img, size, 4) - fine[i]); // rounding only can make it negative
  }
  return { fine, mid };
}

export interface HfRatio {
  /** Mean energy of the set over mean energy of the reference, all kinds together (both sets class-balanced). */
  ratio: number;
  /** The same ratio within each kind (null where either set has none of it). */
  perKind: Record<string, number | null>;
  /** Mean over kinds of |ln ratio|: 0 for the reference's own detail, the larger the farther in either direction. */
  logError: number;
}

const meanOf = (xs: ArrayLike<number>, keep: (i: number) => boolean): { mean: number; n: number } => {
  let s = 0;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!keep(i)) continue;
    s += xs[i];
    n += 1;
  }
  return { mean: n > 0 ? s / n : NaN, n };
};

/** Ratio of a set's band energies to a reference's, overall and per kind; `kinds` names the labels 0..K−1. */
export function hfRatio(
  set: { energies: ArrayLike<number>; labels: ArrayLike<number> },
  ref: { energies: ArrayLike<number>; labels: ArrayLike<number> },
  kinds: readonly string[],
): HfRatio {
  if (set.energies.length !== set.labels.length || ref.energies.length !== ref.labels.length) throw new Error('hfRatio: one label per energy');
  const all = meanOf(set.energies, () => true).mean / meanOf(ref.energies, () => true).mean;
  const perKind: Record<string, number | null> = {};
  const logs: number[] = [];
  kinds.forEach((kind, k) => {
    const s = meanOf(set.energies, (i) => set.labels[i] === k);
    const r = meanOf(ref.energies, (i) => ref.labels[i] === k);
    if (s.n === 0 || r.n === 0 || !(r.mean > 0)) {
      perKind[kind] = null;
      return;
    }
    perKind[kind] = s.mean / r.mean;
    logs.push(Math.abs(Math.log(Math.max(s.mean, 1e-30) / r.mean)));
  });
  return { ratio: all, perKind, logError: logs.length > 0 ? logs.reduce((a, b) => a + b, 0) / logs.length : NaN };
}
