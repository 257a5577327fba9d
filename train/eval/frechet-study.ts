// The Fréchet-distance study: class-balanced samples of the model against held-out scenes, in the
// scene classifier's feature space, beside three references: a second held-out set (the floor: what
// sampling noise alone gives at this N), blurred held-out scenes and pixel-shuffled ones (what failure
// looks like). Every distance pairs a set with held-out set A; B, blur(B), shuffle(B) never share a scene with A.
import type * as tf from '@tensorflow/tfjs-core';
import { SCENE_KINDS } from '../../src/lib/data';
import { deriveSeed, makeRng } from '../../src/lib/math/rng';
import type { Classifier } from '../../src/lib/models/classifier';
import type { JsonValue } from '../../src/lib/models/manifest';
import { accuracyReport, classifierFeatures } from './classifier-features';
import { gaussianBlur, shufflePixels } from './corruptions';
import { fitGaussian, frechetDistance } from './frechet';
import { balancedHeldOut, countKinds, resizeImages } from './scene-sets';
import { balancedLabels, sampleSet, type SampleSetOptions } from './samples';

/** deriveSeed stream of the pixel shuffle. */
export const SHUFFLE_STREAM = 701;
/** Blur of the "blurred" reference, in pixels of the model's resolution (at 64²: a clearly soft image). */
export const BLUR_SIGMA = 1.5;

export interface FrechetStudyOptions extends Omit<SampleSetOptions, 'labels'> {
  classifier: Classifier;
  classifierWeights: Record<string, tf.Tensor>;
  /** Samples, and scenes in each held-out set. */
  count: number;
  /** Root seed of the model's data (its held-out split is used). */
  dataSeed: number;
  log?: (line: string) => void;
}

export interface FrechetStudy {
  report: { [key: string]: JsonValue };
  /** The samples [N, R, R, 3] and their labels, and held-out set A (for the sample grid). */
  samples: Float32Array;
  labels: Int32Array;
  /** The kind the classifier sees in each sample (an unconditional model's labels are only nominal). */
  samplePredictions: Int32Array;
  heldOut: { x0: Float32Array; labels: Int32Array };
  /** Held-out set B and its blurred and shuffled copies (labels: B's), for the sharpness study beside this one. */
  controls: { heldOutB: Float32Array; blurred: Float32Array; shuffled: Float32Array; labels: Int32Array };
}

function distanceJson(d: { distance: number; meanTerm: number; covTerm: number }): JsonValue {
  return { distance: d.distance, meanTerm: d.meanTerm, covTerm: d.covTerm };
}

/** What the study compares besides the samples themselves (the model-free half of frechetStudy). */
export interface FrechetSetsOptions {
  classifier: Classifier;
  classifierWeights: Record<string, tf.Tensor>;
  /** Side of the samples and of the held-out scenes they are compared with. */
  resolution: number;
  /** Root seed of the model's data (its held-out split is used). */
  dataSeed: number;
  /** Root of the shuffle's randomness. */
  seed: number;
  /** Whether the samples were conditioned on `labels` (sampleKindAccuracy is null otherwise). */
  conditional: boolean;
  /** How the samples were made, for the report. */
  sampler: string;
  sampleSeconds: number;
  log?: (line: string) => void;
}

/**
 * The study of given samples [N, R, R, 3] with their kinds: two class-balanced held-out sets with the
 * samples' kind counts, blur and shuffle of the second, and every distance to the first. base-64 hands
 * in its own samples (frechetStudy); latent-64 its decoded samples reduced to R² (latent.ts).
 */
export function frechetOfSamples(samples: Float32Array, labels: Int32Array, o: FrechetSetsOptions): FrechetStudy {
  const log = o.log ?? (() => {});
  const count = labels.length;
  const r = o.resolution;
  const cr = o.classifier.config.resolution;
  log(`fréchet: rendering 2 × ${count} class-balanced held-out scenes`);
  const [a, b] = balancedHeldOut(o.dataSeed, countKinds(labels, SCENE_KINDS.length), r, 2);
  const per = r * r * 3;
  const blurred = new Float32Array(b.x0.length);
  const shuffled = new Float32Array(b.x0.length);
  const rng = makeRng(deriveSeed(o.seed, SHUFFLE_STREAM));
  for (let i = 0; i < count; i++) {
    const img = b.x0.subarray(i * per, (i + 1) * per);
    blurred.set(gaussianBlur(img, r, BLUR_SIGMA), i * per);
    shuffled.set(shufflePixels(img, rng), i * per);
  }
  const embed = (images: Float32Array) => classifierFeatures(o.classifier, o.classifierWeights, resizeImages(images, r, cr));
  const f = o.classifier.featureDim;
  const ga = embed(a.x0);
  const sets = { samples: embed(samples), heldOutB: embed(b.x0), blurred: embed(blurred), shuffled: embed(shuffled) };
  const gA = fitGaussian(ga.features, f);
  const fd = (s: { features: Float32Array }) => frechetDistance(fitGaussian(s.features, f), gA);
  const samplesFd = fd(sets.samples);
  const floor = fd(sets.heldOutB);
  const kinds = SCENE_KINDS.length;
  const report: { [key: string]: JsonValue } = {
    note:
      `squared Fréchet distance (FID formula, Heusel et al. 2017) in the ${f}-d penultimate features of the scene classifier (src/lib/models/classifier.ts); ` +
      `every set is compared with held-out set A (${count} class-balanced scenes); lower is better; numbers are not comparable with Inception FIDs`,
    count,
    sampler: o.sampler,
    samplesVsHeldOut: distanceJson(samplesFd),
    heldOutVsHeldOut: distanceJson(floor),
    blurredVsHeldOut: distanceJson(fd(sets.blurred)),
    shuffledVsHeldOut: distanceJson(fd(sets.shuffled)),
    blurSigmaPixels: BLUR_SIGMA,
    ratioToFloor: samplesFd.distance / Math.max(floor.distance, 1e-12),
    // How often the classifier calls a sample the kind it was conditioned on (held-out B: the same for real scenes).
    sampleKindAccuracy: o.conditional ? accuracyReport(sets.samples.predictions, labels, kinds).accuracy : null,
    heldOutKindAccuracy: accuracyReport(sets.heldOutB.predictions, b.labels, kinds).accuracy,
    sampleSeconds: o.sampleSeconds,
  };
  return { report, samples, labels, samplePredictions: sets.samples.predictions, heldOut: a, controls: { heldOutB: b.x0, blurred, shuffled, labels: b.labels } };
}

export async function frechetStudy(o: FrechetStudyOptions): Promise<FrechetStudy> {
  const log = o.log ?? (() => {});
  const classes = o.unet.config.classes;
  const labels = balancedLabels(o.count, classes > 0 ? classes : SCENE_KINDS.length);
  log(`fréchet: sampling ${o.count} images, ${o.steps} DDIM steps, guidance ${o.guidance}`);
  const t0 = performance.now();
  const samples = await sampleSet({ ...o, labels, onBatch: (done) => log(`  ${done}/${o.count} samples (${((performance.now() - t0) / 1000).toFixed(0)} s)`) });
  return frechetOfSamples(samples, labels, {
    ...o,
    conditional: classes > 0,
    sampler: `DDIM η = 0, ${o.steps} steps, x̂₀ clipped to [−1, 1], guidance scale ${o.guidance} (1 = conditional model alone)`,
    sampleSeconds: (performance.now() - t0) / 1000,
  });
}
