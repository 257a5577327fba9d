// One evaluation of a shipped model folder (pretrained/<model>/): denoising error against the Wiener
// filter, the Fréchet-distance study, the sharpness study (high-frequency energy and a Fréchet distance
// of early local features, on the same samples) and the sample grid, written into the manifest's `evaluation`
// (manifest-update.ts) and samples.png beside it. The weights file is only read (SHA-256 checked).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_KINDS } from '../../src/lib/data';
import { isScheduleName, makeSchedule } from '../../src/lib/diffusion/schedule';
import { PREDICTIONS, type Prediction } from '../../src/lib/diffusion/prediction';
import { loadClassifier, parseClassifierManifest } from '../../src/lib/models/classifier';
import { loadModel, parseManifest, type JsonValue } from '../../src/lib/models/manifest';
import { heldOutBatch, renderExamples } from '../dataset';
import { denoisingErrors } from './denoising';
import { frechetStudy } from './frechet-study';
import { gapRecord, lossGap, pixelGapSets } from './loss-gap';
import { evaluatedWith, updateEvaluation, writeAtomically } from './manifest-update';
import { sampleGridPng } from './sample-grid';
import { sharpnessStudy, sharpnessSummary } from './sharpness-study';
import { imageAt } from './scene-sets';
import { pixelStats } from './wiener';

export interface EvalOptions {
  /** The model folder holding manifest.json and weights.bin. */
  modelDir: string;
  /** The classifier folder; the Fréchet study and the grid's kind check need it. */
  classifierDir: string;
  /** Held-out scenes for the denoising error. */
  heldOut?: number;
  /** Scenes in each set of the overfitting gap (loss-gap.ts), a multiple of 16; 0 skips it. */
  gapCount?: number;
  /** Timesteps of the denoising error. */
  ts?: number[];
  /** Training-seed renders behind the Wiener filter's per-pixel mean and variance. */
  statsCount?: number;
  /** Samples (and scenes per held-out set) of the Fréchet study; 0 skips the study and the grid. */
  fdCount?: number;
  steps?: number;
  guidance?: number;
  /** Samples per kind in the grid (taken from the study's samples). */
  gridPerKind?: number;
  /** Root of the evaluation's own randomness (ε, sampler noise, shuffles). */
  seed?: number;
  log?: (line: string) => void;
}

/** The model's data facts the evaluation needs, from manifest.data.details (written by train/export.ts). */
function dataDetails(details: { [key: string]: JsonValue } | undefined, file: string) {
  const d = details ?? {};
  const need = (k: string): JsonValue => {
    if (!(k in d)) throw new Error(`${file}: data.details.${k} is missing`);
    return d[k];
  };
  const [seed, resolution, schedule, T, prediction] = ['seed', 'resolution', 'schedule', 'T', 'prediction'].map(need);
  if (typeof seed !== 'number' || typeof resolution !== 'number' || typeof T !== 'number') throw new Error(`${file}: data.details seed, resolution and T must be numbers`);
  if (!isScheduleName(schedule)) throw new Error(`${file}: data.details.schedule ${String(schedule)} is not a schedule`);
  if (!(PREDICTIONS as readonly unknown[]).includes(prediction)) throw new Error(`${file}: data.details.prediction ${String(prediction)} is not one of ${PREDICTIONS.join(', ')}`);
  return { seed, resolution, schedule, T, prediction: prediction as Prediction };
}

export async function runEvaluation(o: EvalOptions): Promise<{ [metric: string]: JsonValue }> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const manifestPath = join(o.modelDir, 'manifest.json');
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const d = dataDetails(manifest.data.details, manifestPath);
  const schedule = makeSchedule(d.schedule, { T: d.T, resolution: d.resolution });
  const seed = o.seed ?? 1;
  const ts = o.ts ?? [100, 300, 500, 700, 900];
  for (const t of ts) if (!Number.isInteger(t) || t < 1 || t > d.T) throw new Error(`timestep ${t} is outside 1..${d.T}`);
  const model = await loadModel(manifest, new Uint8Array(readFileSync(join(o.modelDir, manifest.weightsFile))), join(o.modelDir, manifest.weightsFile));
  const results: { [metric: string]: JsonValue } = {};
  let classifier: Awaited<ReturnType<typeof loadClassifier>> | null = null;
  try {
    const statsCount = o.statsCount ?? 2000;
    log(`denoising: per-pixel statistics of ${statsCount} training scenes at ${d.resolution}²`);
    const stats = pixelStats(d.resolution * d.resolution * 3, statsCount, (i) => renderExamples(d.seed, 'train', i, 1, d.resolution).x0);
    const held = heldOutBatch(d.seed, o.heldOut ?? 256, d.resolution);
    log(`denoising: x̂₀ of ${held.labels.length} held-out scenes at t = ${ts.join(', ')}`);
    const rows = denoisingErrors({ unet: model.unet, weights: model.weights, schedule, prediction: d.prediction, resolution: d.resolution, x0: held.x0, labels: held.labels, stats, ts, seed });
    for (const r of rows) log(`  t=${r.t}: model ${r.modelMse.toFixed(5)}  wiener ${r.wienerMse.toFixed(5)} (closed form ${r.wienerMseClosedForm.toFixed(5)})  ratio ${r.ratio.toFixed(3)}`);
    results.denoising = {
      note:
        'MSE of x̂₀ vs x₀ per pixel and channel ([−1, 1] units) on held-out scenes, same x_t for both; wiener = the diagonal-covariance ' +
        'Wiener filter x̂₀ = μ + √ᾱΣ/(ᾱΣ + 1−ᾱ)·(x_t − √ᾱμ) with per-pixel μ, Σ of training scenes; its closed form is mean Σ(1−ᾱ)/(ᾱΣ + 1−ᾱ); ' +
        'modelMse uses each scene\'s kind as its class, modelMseNullClass the null class',
      heldOutScenes: held.labels.length,
      statsScenes: statsCount,
      rows: rows as unknown as JsonValue,
      modelBeatsWienerAtEveryT: rows.every((r) => r.modelMse < r.wienerMse),
    };

    // A field of its own (issue 15 item 3): every other figure draws from its own seeded streams, so adding it changes none of them.
    const gapCount = o.gapCount ?? 256;
    if (gapCount > 0) {
      const trained = manifest.steps * Number(manifest.data.details?.batch ?? 0);
      log(`overfitting: loss on ${gapCount} training and ${gapCount} held-out scenes`);
      const sets = pixelGapSets(d.seed, d.resolution, trained, gapCount);
      const gap = lossGap(model.unet, model.weights, { ...d, model: model.unet.config }, schedule, sets.train, sets.heldOut);
      log(`  train ${gap.trainLoss.toFixed(5)}, held-out ${gap.heldOutLoss.toFixed(5)}, gap ${gap.gap.toFixed(5)} ± ${gap.gapStdError.toFixed(5)}`);
      results.overfitting = gapRecord(gap, d.prediction, ...sets.words);
    }

    const fdCount = o.fdCount ?? 500;
    if (fdCount > 0) {
      const cPath = join(o.classifierDir, 'manifest.json');
      if (!existsSync(cPath)) throw new Error(`${cPath} does not exist: train it first (npm run eval -- --train-classifier)`);
      const cManifest = parseClassifierManifest(readFileSync(cPath, 'utf8'), cPath);
      classifier = await loadClassifier(cManifest, new Uint8Array(readFileSync(join(o.classifierDir, cManifest.weightsFile))), join(o.classifierDir, cManifest.weightsFile));
      const study = await frechetStudy({
        unet: model.unet, weights: model.weights, schedule, prediction: d.prediction, resolution: d.resolution,
        steps: o.steps ?? 20, guidance: o.guidance ?? 1, seed, count: fdCount, dataSeed: d.seed,
        classifier: classifier.classifier, classifierWeights: classifier.weights, log,
      });
      study.report.classifier = { weightsSha256: cManifest.weightsSha256, heldOutAccuracy: cManifest.evaluation.heldOutAccuracy ?? null };
      results.frechet = study.report;
      const fdr = study.report as Record<string, { distance: number }>;
      log(`  fréchet: samples ${fdr.samplesVsHeldOut.distance.toFixed(4)}, floor ${fdr.heldOutVsHeldOut.distance.toFixed(4)}, blurred ${fdr.blurredVsHeldOut.distance.toFixed(4)}, shuffled ${fdr.shuffledVsHeldOut.distance.toFixed(4)}`);

      // Sharpness (issue 19): the study's own samples and references, so no extra sampling.
      const c = study.controls;
      const sharp = sharpnessStudy({
        classifier: classifier.classifier, classifierWeights: classifier.weights, resolution: d.resolution, kinds: SCENE_KINDS,
        reference: study.heldOut,
        sets: {
          samples: { x0: study.samples, labels: model.unet.config.classes > 0 ? study.labels : study.samplePredictions },
          heldOut: { x0: c.heldOutB, labels: c.labels },
          blurred: { x0: c.blurred, labels: c.labels },
          shuffled: { x0: c.shuffled, labels: c.labels },
        },
        log,
      });
      results.highFrequency = sharp.highFrequency;
      results.frechetDetail = sharp.frechetDetail;
      for (const line of sharpnessSummary(sharp)) log(`  ${line}`);

      const perKind = o.gridPerKind ?? 8;
      const rowsOf = SCENE_KINDS.map((kind, k) => {
        const pick = (labels: Int32Array, images: Float32Array, n: number) =>
          [...labels.keys()].filter((i) => labels[i] === k).slice(0, n).map((i) => imageAt(images, d.resolution, i));
        return { label: kind, samples: pick(study.labels, study.samples, perKind), references: pick(study.heldOut.labels, study.heldOut.x0, 2) };
      });
      const grid = sampleGridPng(rowsOf, { size: d.resolution, zoom: Math.max(1, Math.round(128 / d.resolution)) });
      writeAtomically(join(o.modelDir, 'samples.png'), grid.png);
      results.sampleGrid = { file: 'samples.png', legend: grid.legend };
    }
    results.evaluatedWith = evaluatedWith(manifest, t0);
    return updateEvaluation(o.modelDir, results);
  } finally {
    tf.dispose(Object.values(model.weights));
    if (classifier) tf.dispose(Object.values(classifier.weights));
  }
}
