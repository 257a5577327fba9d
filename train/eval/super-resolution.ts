// Evaluation of a super-resolution model folder (sr-256, sr-1024; issue 5 item 2): on held-out scenes,
// given the true low-res image, the model's output against the ground-truth render (PSNR, HF energy
// relative to the truth's, consistency) beside bicubic upsampling; the crops PNG; and the propagation
// table through the cascade. Written into the manifest's `evaluation` (manifest-update.ts); the
// weights file is only read.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_KINDS } from '../../src/lib/data';
import { deriveSeed } from '../../src/lib/math/rng';
import { loadModel, parseManifest, type JsonValue } from '../../src/lib/models/manifest';
import { sampleSuperResolution, srModelFrom, type SrModel } from '../../src/lib/pipelines/super-resolution';
import { bicubicUpsample } from '../../src/lib/data/bicubic';
import { evaluatedWith, updateEvaluation, writeAtomically } from './manifest-update';
import { recordPropagation } from './propagation-record';
import { srCropsPng } from './sr-grid';
import { fitLinearUpsampler, linearUpsample, trainingPairs } from './sr-linear';
import { clipUnit, PSNR_CAP_DB, scoreUpsample, type UpsampleScore } from './sr-metrics';
import { srHeldOutScenes, type SrScene } from './sr-scenes';

/** Aug levels of the PSNR/HF figures: clean conditioning, and Imagen's low sampling level (science.md §2.2–2.4). */
export const SR_EVAL_AUG_LEVELS = [0, 0.1] as const;
/** DDIM steps (η = 0) per SR sample: the lesson's order of magnitude, where 1024² must stay affordable. */
export const SR_EVAL_STEPS = 20;

export interface SrEvalOptions {
  modelDir: string;
  /** The base model folder, for the propagation table's start image. */
  baseDir: string;
  /** SR model folders before this one in the cascade (sr-256's for sr-1024); default: none when the model takes the base's size. */
  earlierDirs?: readonly string[];
  /**
   * Held-out scenes (default 28 up to 256², 7 above: one of each scene kind, as the kinds cycle). Measured on this 2-core machine with the base-64
   * trainer beside it: a 256² sample of 20 steps 2.5–5 s, a 1024² one 20–27 s; the propagation table is
   * 20 chain runs, ≈ 1–2 min for sr-256 and ≈ 10 min for sr-1024; whole runs took 3.3 min (sr-256) and 12.1 min (sr-1024).
   */
  heldOut?: number;
  steps?: number;
  augLevels?: readonly number[];
  /** Rows of the crops PNG (default 4). */
  cropRows?: number;
  /** Skip the propagation table (tests of the other parts). */
  propagation?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// A type alias, not an interface, so a row is assignable to the manifest's JsonValue as it is.
type Summary = { psnr: number; psnrMin: number; hf: number; hfRatio: number; consistency: number };

function summary(scores: readonly UpsampleScore[], truthHf: number): Summary {
  const hf = mean(scores.map((s) => s.hf));
  return {
    psnr: mean(scores.map((s) => s.psnr)),
    psnrMin: Math.min(...scores.map((s) => s.psnr)),
    hf,
    hfRatio: hf / truthHf,
    consistency: mean(scores.map((s) => s.consistency)),
  };
}

/**
 * The first guess of the preconditioning alone (sr-precondition.ts): the model sampled with its output F = 0,
 * by zeroing the last conv, with the seeds of the model row. Says how much of the detail is the trained net's.
 */
async function firstGuessRow(
  model: SrModel,
  scenes: readonly SrScene[],
  low: number,
  aug: number,
  steps: number,
  seed: number,
  truthHf: number,
  keep: number,
): Promise<{ row: Summary & { aug: number }; outputs: Float32Array[] }> {
  const zeros = Object.fromEntries(Object.entries(model.weights).filter(([k]) => k.startsWith('out.conv')).map(([k, w]) => [k, tf.zerosLike(w)]));
  try {
    const guess: SrModel = { ...model, weights: { ...model.weights, ...zeros } };
    const scores: UpsampleScore[] = [];
    const outputs: Float32Array[] = [];
    for (const [i, s] of scenes.entries()) {
      const out = await sampleSuperResolution(guess, s.low, low, { aug, steps, sampler: 'ddim', eta: 0, seed: deriveSeed(seed, i) });
      if (i < keep) outputs.push(out);
      scores.push(scoreUpsample(out, s.truth, s.low, model.sr.fullSize, model.sr.factor));
    }
    return { row: { aug, ...summary(scores, truthHf) }, outputs };
  } finally {
    tf.dispose(Object.values(zeros));
  }
}

export async function runSrEvaluation(o: SrEvalOptions): Promise<{ [metric: string]: JsonValue }> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const manifestPath = join(o.modelDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} does not exist: train and export the model first (npm run train -- <model>)`);
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(o.modelDir, manifest.weightsFile))), join(o.modelDir, manifest.weightsFile));
  try {
    const model: SrModel = srModelFrom(manifest, loaded.unet, loaded.weights);
    const { fullSize: size, factor } = model.sr;
    const low = size / factor;
    const root = manifest.data.details?.seed;
    if (typeof root !== 'number') throw new Error(`${manifestPath}: data.details.seed is missing`);
    const seed = o.seed ?? 1;
    const steps = o.steps ?? SR_EVAL_STEPS;
    const augLevels = [...(o.augLevels ?? SR_EVAL_AUG_LEVELS)];
    const count = o.heldOut ?? (size > 256 ? SCENE_KINDS.length : 28);
    log(`super-resolution: ${count} held-out scenes at ${size}² (input ${low}²), DDIM ${steps} steps, aug ${augLevels.join(', ')}`);
    const scenes = srHeldOutScenes(root, count, size, factor);
    const truthHf = mean(scenes.map((s) => scoreUpsample(s.truth, s.truth, s.low, size, factor).hf));
    const bicubic = scenes.map((s) => clipUnit(bicubicUpsample(s.low, low, factor)));
    const bicubicScores = scenes.map((s, i) => scoreUpsample(bicubic[i], s.truth, s.low, size, factor));
    const firstOutputs: Float32Array[] = [];
    const predicted: Float32Array[] = [];
    const perLevel: (Summary & { aug: number; secondsPerSample: number; msPerStep: number })[] = [];
    for (const aug of augLevels) {
      const scores: UpsampleScore[] = [];
      const t1 = performance.now();
      for (const [i, s] of scenes.entries()) {
        const onPredicted = aug === augLevels[0] ? (m: Float32Array) => void predicted.push(m) : undefined;
        const out = await sampleSuperResolution(model, s.low, low, { aug, steps, sampler: 'ddim', eta: 0, seed: deriveSeed(seed, i), onPredicted });
        if (aug === augLevels[0]) firstOutputs.push(out);
        scores.push(scoreUpsample(out, s.truth, s.low, size, factor));
      }
      const seconds = (performance.now() - t1) / 1000;
      const row = { aug, ...summary(scores, truthHf), secondsPerSample: seconds / scenes.length, msPerStep: (1000 * seconds) / (scenes.length * steps) };
      log(`  aug ${aug}: PSNR ${row.psnr.toFixed(2)} dB, HF ratio ${row.hfRatio.toFixed(3)}, ${row.secondsPerSample.toFixed(1)} s/sample`);
      perLevel.push(row);
    }
    const rows = Math.min(o.cropRows ?? 4, scenes.length);
    const guess = model.sr.residualStd === undefined ? null : await firstGuessRow(model, scenes, low, augLevels[0], steps, seed, truthHf, rows);
    const priorOnly = guess?.row ?? null;
    if (priorOnly) log(`  first guess alone (F = 0) at aug ${priorOnly.aug}: PSNR ${priorOnly.psnr.toFixed(2)} dB, HF ratio ${priorOnly.hfRatio.toFixed(3)}`);
    const predictorRow = model.predictor ? { aug: augLevels[0], refineFrom: model.predictor.refineFrom, ...summary(predicted.map((m, i) => scoreUpsample(m, scenes[i].truth, scenes[i].low, size, factor)), truthHf) } : null;
    if (predictorRow) log(`  predictor alone at aug ${predictorRow.aug}: PSNR ${predictorRow.psnr.toFixed(2)} dB, HF ratio ${predictorRow.hfRatio.toFixed(3)}`);
    const bicubicRow = summary(bicubicScores, truthHf);
    log(`  bicubic: PSNR ${bicubicRow.psnr.toFixed(2)} dB, HF ratio ${bicubicRow.hfRatio.toFixed(3)}`);
    const fitScenes = size > 256 ? 4 : 24; // ≥ 98k cells either way, for 76 inputs
    const linear = fitLinearUpsampler(trainingPairs(root, fitScenes, size, factor), size, factor);
    const linearRow = { ...summary(scenes.map((s) => scoreUpsample(linearUpsample(linear, s.low, low), s.truth, s.low, size, factor)), truthHf), fittedOnScenes: fitScenes, radius: linear.radius };
    log(`  least-squares linear: PSNR ${linearRow.psnr.toFixed(2)} dB, HF ratio ${linearRow.hfRatio.toFixed(3)}`);
    const results: { [metric: string]: JsonValue } = {
      superResolution: {
        note:
          `Whole held-out scenes (seeds of this model's held-out stream, never trained on), ${size}² ground-truth renders; input = the truth ` +
          `area-downsampled to ${low}² (as in training). psnr: mean over scenes of 10·log10(4/MSE) in dB on [−1, 1] (capped at ${PSNR_CAP_DB}), psnrMin the worst scene; ` +
          `hf: mean HF energy, the mean square of x − up(down(x)) with down = ${factor}×${factor} area mean and up = nearest, i.e. the part of x ` +
          `the low-res input cannot hold (train/eval/sr-metrics.ts); hfRatio = hf / the truth's hf (1 = as detailed as the truth); ` +
          `consistency: MSE of the output area-downsampled against the input. model: DDIM (η = 0) sampling, one seed per scene, per aug level; ` +
          `bicubic: Keys cubic convolution (a = −0.5) of the input, clipped to [−1, 1]. firstGuessOnly (preconditioned models): the same ` +
          `samples with the net's correction F set to 0 (its last conv zeroed), i.e. the preconditioning's Wiener guess from the measured ` +
          `residual statistics alone; the model row's lead over it is what the trained net adds. predictorOnly (stages with a predictor, src/lib/pipelines/sr-predictor.ts): ` +
          `the predictor's one-pass mean at the first aug level, clipped to [−1, 1], from which the denoiser starts at t = refineFrom. linearLeastSquares: bicubic plus a ` +
          `linear map of the ${2 * linear.radius + 1}×${2 * linear.radius + 1} low-res pixels around each ${factor}×${factor} cell, least-squares on ${fitScenes} ` +
          `whole training scenes (train/eval/sr-linear.ts): the part of the missing detail that a fixed linear function of the input predicts. secondsPerSample / msPerStep: wall time of the ` +
          `model's samples on the evaluating machine (scoring included), backend in evaluatedWith.`,
        heldOutScenes: count,
        kinds: scenes.map((s) => SCENE_KINDS[s.kind]),
        seeds: scenes.map((s) => s.seed),
        sampler: { name: 'ddim', eta: 0, steps, seed },
        truthHf,
        bicubic: bicubicRow,
        linearLeastSquares: linearRow,
        model: perLevel,
        ...(priorOnly ? { firstGuessOnly: priorOnly } : {}),
        ...(predictorRow ? { predictorOnly: predictorRow } : {}),
      },
    };

    const crop = Math.min(128, size / 4);
    const grid = srCropsPng(
      scenes
        .slice(0, rows)
        .map((s, i) => ({ label: SCENE_KINDS[s.kind], low: s.low, bicubic: bicubic[i], model: firstOutputs[i], truth: s.truth, netOff: guess?.outputs[i], predictor: predicted[i] })),
      { size, factor, crop, zoom: Math.max(1, Math.round(256 / crop)) },
    );
    writeAtomically(join(o.modelDir, 'eval-crops.png'), grid.png);
    results.evalCrops = { file: 'eval-crops.png', note: `${grid.legend}; model column sampled at aug ${augLevels[0]}`, windows: grid.windows };

    let propagationSkipped: string | null = null;
    if (o.propagation ?? true) {
      const earlierDirs = o.earlierDirs ?? [];
      const rec = await recordPropagation({ model, baseDir: o.baseDir, earlierDirs, steps: [...earlierDirs.map(() => steps), steps], seed, log });
      if ('skipped' in rec) {
        propagationSkipped = rec.skipped;
        log(`propagation SKIPPED: ${rec.skipped}`);
      } else results.propagation = rec.table;
    }
    results.evaluatedWith = evaluatedWith(manifest, t0, { propagationSkipped });
    return updateEvaluation(o.modelDir, results);
  } finally {
    tf.dispose(Object.values(loaded.weights));
  }
}
