// The residual x₀ − (bicubic upsample) of a super-resolution config, measured on its first training crops:
// the scales and principal directions the preconditioning uses (src/lib/pipelines/sr-precondition.ts).
// Computed once per config from the same crops every time, so a resumed run and the export agree; the
// export writes the result into the manifest, from which the sampler reads it.
import type { SrPrecondition } from '../src/lib/pipelines/sr-precondition';
import { symmetricEigen, matrix } from './eval/symmetric-eigen';
import { conditioning, requireSr, spaceToDepth, srTrainingBatch } from './sr-data';
import type { TrainConfig } from './train-config';

/** The smallest σ_d a component gets: a component the crops never vary in would otherwise get c_in = 1/0. */
export const MIN_COMPONENT_STD = 0.005;

/** Rounded so that the numbers the run trains with are the numbers the manifest holds. */
const round = (v: number, digits: number) => Number(v.toFixed(digits));

/**
 * Principal components of the residual's cells (3k² values each) over the first `crops` training crops at
 * aug level 0: std devs largest first, and the directions as the columns of a row-major orthonormal matrix.
 */
export function residualComponents(config: TrainConfig, crops: number): { stds: number[]; basis: number[] } {
  const sr = requireSr(config);
  const c = 3 * sr.spaceToDepth ** 2;
  const cov = new Float64Array(c * c);
  let cells = 0;
  for (let step = 0; step * config.batch < crops; step++) {
    const batch = srTrainingBatch(config, step);
    const b = batch.labels.length;
    const low = config.resolution / sr.factor;
    const up = conditioning(batch.lo, new Float32Array(batch.lo.length), Array(b).fill(1), low, sr.factor);
    const r = spaceToDepth(batch.x0.map((v, i) => v - up[i]), b, config.resolution, 3, sr.spaceToDepth);
    for (let p = 0; p < r.length; p += c, cells++)
      for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) cov[i * c + j] += r[p + i] * r[p + j];
  }
  for (let i = 0; i < cov.length; i++) cov[i] /= cells;
  const { values, vectors } = symmetricEigen(matrix(c, cov));
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const stds = order.map((k) => round(Math.max(MIN_COMPONENT_STD, Math.sqrt(Math.max(0, values[k]))), 5));
  const basis = new Array<number>(c * c);
  for (let row = 0; row < c; row++) order.forEach((k, col) => (basis[row * c + col] = round(vectors.data[row * c + k], 7)));
  return { stds, basis };
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
    if (sr.residualPcaCrops) Object.assign(p, (({ stds, basis }) => ({ residualStds: stds, residualBasis: basis }))(residualComponents(config, sr.residualPcaCrops)));
    cache.set(key, p);
  }
  return p;
}
