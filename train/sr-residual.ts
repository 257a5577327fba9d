// The residual x₀ − (bicubic upsample) of a super-resolution config, measured on its first training crops:
// the scales and principal directions the preconditioning uses (src/lib/pipelines/sr-precondition.ts).
// Computed once per config from the same crops every time, so a resumed run and the export agree; the
// export writes the result into the manifest, from which the sampler reads it.
import { makeSchedule } from '../src/lib/diffusion/schedule';
import { deriveSeed, fillNormal, makeRng } from '../src/lib/math/rng';
import { augAlphaBar } from '../src/lib/pipelines/super-resolution';
import type { SrPrecondition } from '../src/lib/pipelines/sr-precondition';
import { symmetricEigen, matrix } from './eval/symmetric-eigen';
import { conditioning, requireSr, spaceToDepth, srTrainingBatch } from './sr-data';
import type { TrainConfig } from './train-config';

/** The smallest σ_d a component gets: a component the crops never vary in would otherwise get c_in = 1/0. */
export const MIN_COMPONENT_STD = 0.005;

/** Rounded so that the numbers the run trains with are the numbers the manifest holds. */
const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** The aug level at which each component's gain is measured: mid-range of training's U[0, 0.6]. */
export const GAIN_AUG_LEVEL = 0.3;
/** deriveSeed stream of the aug noise used to measure the gains (sr-objective.ts uses 202). */
export const GAIN_STREAM = 205;

/** The residual truth − conditioning of the first `crops` training crops at ᾱ_a, in cells (3k² values each). */
function residualCells(config: TrainConfig, crops: number, alphaBar: number): Float32Array[] {
  const sr = requireSr(config);
  const low = config.resolution / sr.factor;
  const out: Float32Array[] = [];
  for (let step = 0; step * config.batch < crops; step++) {
    const batch = srTrainingBatch(config, step);
    const b = batch.labels.length;
    const eps = fillNormal(new Float32Array(batch.lo.length), makeRng(deriveSeed(deriveSeed(config.seed, GAIN_STREAM), step)));
    const up = conditioning(batch.lo, eps, Array(b).fill(alphaBar), low, sr.factor);
    out.push(spaceToDepth(batch.x0.map((v, i) => v - up[i]), b, config.resolution, 3, sr.spaceToDepth));
  }
  return out;
}

/**
 * Principal components of the residual's cells (3k² values each) over the first `crops` training crops at
 * aug level 0: std devs largest first, the directions as the columns of a row-major orthonormal matrix, and
 * per component the growth of its variance per unit of aug noise variance, measured at GAIN_AUG_LEVEL.
 */
export function residualComponents(config: TrainConfig, crops: number): { stds: number[]; basis: number[]; gains: number[] } {
  const sr = requireSr(config);
  const c = 3 * sr.spaceToDepth ** 2;
  const cov = new Float64Array(c * c);
  let cells = 0;
  for (const r of residualCells(config, crops, 1))
    for (let p = 0; p < r.length; p += c, cells++)
      for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) cov[i * c + j] += r[p + i] * r[p + j];
  for (let i = 0; i < cov.length; i++) cov[i] /= cells;
  const { values, vectors } = symmetricEigen(matrix(c, cov));
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const stds = order.map((k) => round(Math.max(MIN_COMPONENT_STD, Math.sqrt(Math.max(0, values[k]))), 5));
  const basis = new Array<number>(c * c);
  for (let row = 0; row < c; row++) order.forEach((k, col) => (basis[row * c + col] = round(vectors.data[row * c + k], 7)));
  // Each component's variance at the reference aug level, less its clean variance, per unit of 1 − ᾱ_a.
  const abRef = augAlphaBar(makeSchedule(config.schedule, { T: config.T }), GAIN_AUG_LEVEL);
  const noisy = new Float64Array(c);
  for (const r of residualCells(config, crops, abRef))
    for (let p = 0; p < r.length; p += c)
      for (let k = 0; k < c; k++) {
        let v = 0;
        for (let i = 0; i < c; i++) v += r[p + i] * basis[i * c + k];
        noisy[k] += v * v;
      }
  const gains = stds.map((s, k) => round(Math.min(20, Math.max(0, (noisy[k] / cells - s * s) / (1 - abRef))), 5));
  return { stds, basis, gains };
}

const cache = new Map<string, SrPrecondition>();

/** The preconditioning of a config (null: none, the net's output is x̂₀), memoized per config. */
export function srPreconditionOf(config: TrainConfig): SrPrecondition | null {
  const sr = requireSr(config);
  if (sr.residualStd === undefined) return null;
  const key = JSON.stringify([config.seed, config.resolution, config.batch, sr]);
  let p = cache.get(key);
  if (!p) {
    p = { residualStd: sr.residualStd, augResidualGain: sr.augResidualGain ?? 0 };
    if (sr.residualPcaCrops) {
      const { stds, basis, gains } = residualComponents(config, sr.residualPcaCrops);
      Object.assign(p, { residualStds: stds, residualBasis: basis, residualGains: gains });
    }
    cache.set(key, p);
  }
  return p;
}
