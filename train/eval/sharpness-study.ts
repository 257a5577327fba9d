// The sharpness study (issue 19): two figures that blur cannot pass, for the model's samples and beside
// them the same references as the Fréchet study (frechet-study.ts): a second held-out set (the floor),
// its Gaussian-blurred copy and its pixel-shuffled copy, each compared with held-out set A.
// 1. High-frequency energy per scene kind (high-frequency.ts): ratio to A's, 1 = as much detail.
// 2. The Fréchet distance of local early-layer features (detail-features.ts), lower is better.
// Both reuse the study's images, so they add no sampling: only the classifier's first levels and
// box filters over the five sets.
import type * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '../../src/lib/models/classifier';
import type { JsonValue } from '../../src/lib/models/manifest';
import { localFeatureGaussian } from './detail-features';
import { frechetDistance } from './frechet';
import { bandEnergies, hfRatio, HF_BANDS, type HfBand } from './high-frequency';
import { resizeImages } from './scene-sets';

/**
 * The classifier level whose local features the detail distance uses. Measured on two sets of 500
 * class-balanced held-out scenes of base-64's data (blur σ = 1.5 px, the shipped classifier):
 *   level 0 (16-d at 64²): floor 0.00093, blurred 0.0367 (39× the floor), shuffled 1.19;
 *   level 1 (32-d at 32²): floor 0.00237, blurred 0.0749 (32×), shuffled 2.49;
 *   the pooled penultimate features (frechet-study.ts): floor 0.0054, blurred 0.077 (14×).
 * Both early levels see blur; level 1 is taken because its vectors (a ≈ 10-px receptive field) relate
 * an edge to its surroundings, while the pixel-level detail is the high-frequency energy's job, and it
 * has a quarter of level 0's vectors to accumulate.
 */
export const DETAIL_LEVEL = 1;

export interface LabelledSet {
  x0: Float32Array;
  labels: Int32Array;
}

export interface SharpnessOptions {
  classifier: Classifier;
  classifierWeights: Record<string, tf.Tensor>;
  /** Side of every set's images (the model's resolution). */
  resolution: number;
  /** Kind names in label order. */
  kinds: readonly string[];
  /** Held-out set A: every other set is compared with it. */
  reference: LabelledSet;
  /** The sets to compare, e.g. samples, heldOut (B), blurred, shuffled; reported as `<name>VsHeldOut`. */
  sets: Record<string, LabelledSet>;
  /** Classifier level of the detail distance (DETAIL_LEVEL unless a test asks for another). */
  level?: number;
  log?: (line: string) => void;
}

export interface SharpnessReport {
  highFrequency: { [key: string]: JsonValue };
  frechetDetail: { [key: string]: JsonValue };
}

export function sharpnessStudy(o: SharpnessOptions): SharpnessReport {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const r = o.resolution;
  const level = o.level ?? DETAIL_LEVEL;
  const cr = o.classifier.config.resolution;
  const names = Object.keys(o.sets);

  log(`sharpness: high-frequency energy of ${names.length + 1} sets at ${r}²`);
  const refE = bandEnergies(o.reference.x0, r);
  const hf: { [key: string]: JsonValue } = {
    note:
      `high-frequency energy at ${r}² per scene kind, as the ratio of a set's mean to held-out set A's (1 = as much detail as real scenes; ` +
      `blur < 1, noise > 1); fine = mean square of x − up(down₂ x) (1-px detail), mid = of up(down₂ x) − up(down₄ x) (2–4 px), ` +
      `box down, nearest up (src/lib/data/measure.ts); logError = mean over kinds of |ln ratio|`,
    count: o.reference.labels.length,
    heldOutEnergy: Object.fromEntries(HF_BANDS.map((band) => [band, refE[band].reduce((a, b) => a + b, 0) / refE[band].length])),
  };
  for (const name of names) {
    const e = bandEnergies(o.sets[name].x0, r);
    hf[`${name}VsHeldOut`] = Object.fromEntries(
      HF_BANDS.map((band: HfBand) => [band, hfRatio({ energies: e[band], labels: o.sets[name].labels }, { energies: refE[band], labels: o.reference.labels }, o.kinds) as unknown as JsonValue]),
    );
  }

  log(`sharpness: Fréchet distance of level-${level} local features (${o.classifier.config.widths[level]}-d at ${cr / 2 ** level}²)`);
  const gauss = (x: Float32Array) => localFeatureGaussian(o.classifier, o.classifierWeights, resizeImages(x, r, cr), level);
  const gA = gauss(o.reference.x0);
  const fd: { [key: string]: JsonValue } = {
    note:
      `squared Fréchet distance (FID formula) between Gaussians fitted to the ${o.classifier.config.widths[level]}-d activations of the scene classifier's ` +
      `level ${level} (after conv → GroupNorm → SiLU, ${cr / 2 ** level}² positions) at every position of every image, SIFID's local statistics ` +
      `(Shaham et al. 2019) over a whole set; every set is compared with held-out set A; lower is better; it sees blur that the pooled features miss`,
    level,
    count: o.reference.labels.length,
    vectorsPerSet: gA.count,
  };
  for (const name of names) {
    const d = frechetDistance(gauss(o.sets[name].x0), gA);
    fd[`${name}VsHeldOut`] = { distance: d.distance, meanTerm: d.meanTerm, covTerm: d.covTerm };
  }
  const floor = (fd.heldOutVsHeldOut as { distance: number } | undefined)?.distance;
  const samples = (fd.samplesVsHeldOut as { distance: number } | undefined)?.distance;
  if (floor !== undefined && samples !== undefined) fd.ratioToFloor = samples / Math.max(floor, 1e-12);
  const seconds = (performance.now() - t0) / 1000;
  hf.studySeconds = seconds;
  fd.studySeconds = seconds;
  return { highFrequency: hf, frechetDetail: fd };
}

/** Log lines: each set's fine-band ratio and detail distance (a set missing from the report is skipped). */
export function sharpnessSummary(r: SharpnessReport): string[] {
  const hf = r.highFrequency as Record<string, { fine?: { ratio: number }; mid?: { ratio: number } } | undefined>;
  const fd = r.frechetDetail as Record<string, { distance?: number } | undefined>;
  return ['samples', 'heldOut', 'blurred', 'shuffled'].flatMap((name) => {
    const h = hf[`${name}VsHeldOut`];
    const f = fd[`${name}VsHeldOut`];
    if (!h?.fine || !h.mid || f?.distance === undefined) return [];
    return [`${name}: high-frequency ratio fine ${h.fine.ratio.toFixed(3)}, mid ${h.mid.ratio.toFixed(3)}; detail fréchet ${f.distance.toFixed(4)}`];
  });
}
