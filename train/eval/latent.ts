// `npm run eval -- latent-64` (issue 15 item 3): the latent model measured beside base-64's figures and the
// same way, written into its manifest's `evaluation` (manifest-update.ts), with samples.png and crops.png:
//  1. overfitting: training vs held-out loss (loss-gap.ts), and base-64's gap by the same code (baseGap);
//  2. Fréchet distance of decoded samples box-reduced to 64² against held-out scenes, with base-64's floor
//     and controls (frechet-study.ts frechetOfSamples);
//  3. high-frequency energy at 1024² per kind, decoded samples and the cascade's against true renders;
//  4. the sample grid (kinds × seeds, 1024² reduced for display) and one row of full-size crops per source;
//  5. lesson 3's defect presets put into the latent mid-way and after the last step, their 1024² energy (latent-disturb.ts).
// Cost (one wasm thread): a 1024² decode 2.6–3.8 s with the machine lightly shared, a latent sample ~2 s, a cascade
// sample ~25–30 s (sr-1024's 20 steps dominate), a 1024² render 1.1–1.3 s. The defaults' whole run used 6.0 min of
// CPU (33 min wall at a load average of 8–13 on 2 cores, latent-64 at step 623): under ~20 min on one core of its own.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_KINDS } from '../../src/lib/data';
import { autoencoderFrom, type Autoencoder } from '../../src/lib/engine/vae-run';
import { checkPair } from '../../src/lib/engine/latent-run';
import { loadClassifier, parseClassifierManifest } from '../../src/lib/models/classifier';
import { loadModel, parseManifest, type JsonValue, type Manifest } from '../../src/lib/models/manifest';
import { loadVae, parseVaeManifest } from '../../src/lib/models/vae-manifest';
import { baseModelFrom, type BaseModel } from '../../src/lib/pipelines/base';
import { latentModelFrom, type LatentModel } from '../../src/lib/pipelines/latent';
import { srModelFrom, type SrModel } from '../../src/lib/pipelines/super-resolution';
import { frechetStudy } from './frechet-study';
import { evaluatedWith, updateEvaluation, writeAtomically } from './manifest-update';
import { latentGaps } from './latent-gaps';
import { latentImageFigures } from './latent-images';
import { LATENT_DISTURB_DEFAULTS, recordLatentDisturb } from './latent-disturb';

/** Defaults, chosen from the measured costs above (the run records its own in `cost`). */
export const LATENT_EVAL_DEFAULTS = { gapCount: 256, fdCount: 70, truthPerKind: 4, cascadePerKind: 1, gridPerKind: 5, steps: 20, srSteps: 20, guidance: 1, tile: 128, crop: 256 } as const;

export interface LatentEvalOptions {
  modelDir: string;
  classifierDir: string;
  /** The autoencoder whose decoder turns the samples into images (must hold the encoder the model names). */
  vaeDir: string;
  /** The latent set (default .latents/vae-<encoder>, where `npm run latents` writes it). */
  latentDir?: string;
  /** base-64 (its gap and the cascade's base); skipped where absent. */
  baseDir?: string;
  /** The cascade's SR stages in order (sr-256, sr-1024); the cascade is skipped unless all exist. */
  srDirs?: readonly string[];
  /** Examples in each set of the overfitting gaps (a multiple of 16; 0 skips both). */
  gapCount?: number;
  /** Decoded samples of the Fréchet distance, the HF figure and the grid (class-balanced; 0 skips all three). */
  fdCount?: number;
  truthPerKind?: number;
  cascadePerKind?: number;
  gridPerKind?: number;
  /** Start scenes of the disturb table (latent-disturb.ts; 0 skips it). */
  disturbCount?: number;
  steps?: number;
  srSteps?: number;
  guidance?: number;
  seed?: number;
  log?: (line: string) => void;
}

async function loadUNetDir(dir: string): Promise<{ manifest: Manifest; unet: Awaited<ReturnType<typeof loadModel>>['unet']; weights: Record<string, tf.Tensor> }> {
  const path = join(dir, 'manifest.json');
  const manifest = parseManifest(readFileSync(path, 'utf8'), path);
  const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))), join(dir, manifest.weightsFile));
  return { manifest, unet: loaded.unet, weights: loaded.weights };
}

const has = (dir: string | undefined): dir is string => dir !== undefined && existsSync(join(dir, 'manifest.json'));

export async function runLatentEvaluation(o: LatentEvalOptions): Promise<{ [metric: string]: JsonValue }> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const defaults = LATENT_EVAL_DEFAULTS;
  const own: tf.Tensor[] = []; // every loaded weight, freed at the end whatever happens
  try {
    const m = await loadUNetDir(o.modelDir);
    own.push(...Object.values(m.weights));
    const latent: LatentModel = latentModelFrom(m.manifest, m.unet, m.weights);
    const vaePath = join(o.vaeDir, 'manifest.json');
    const vaeManifest = parseVaeManifest(readFileSync(vaePath, 'utf8'), vaePath);
    const loadedVae = await loadVae(vaeManifest, new Uint8Array(readFileSync(join(o.vaeDir, vaeManifest.weightsFile))));
    own.push(...Object.values(loadedVae.weights));
    const ae: Autoencoder = autoencoderFrom(vaeManifest, loadedVae);
    checkPair({ model: m.manifest.name, vae: vaeManifest.name }, latent, ae);
    let base: BaseModel | null = null;
    let baseManifest: Manifest | null = null;
    if (has(o.baseDir)) {
      const b = await loadUNetDir(o.baseDir);
      own.push(...Object.values(b.weights));
      base = baseModelFrom(b.manifest, b.unet, b.weights);
      baseManifest = b.manifest;
      if (base.resolution !== latent.resolution) throw new Error(`${o.baseDir}: base resolution ${base.resolution} is not the latent side ${latent.resolution}: the Fréchet figures would not sit side by side`);
    }
    const dataSeed = Number(m.manifest.data.details?.seed);
    if (!Number.isInteger(dataSeed)) throw new Error(`${o.modelDir}: data.details.seed is missing`);
    const seed = o.seed ?? 1;
    const results: { [metric: string]: JsonValue } = {};

    const gapCount = o.gapCount ?? defaults.gapCount;
    if (gapCount > 0) Object.assign(results, latentGaps({ manifest: m.manifest, latent, base: base && baseManifest ? { model: base, manifest: baseManifest } : null, latentDir: o.latentDir, count: gapCount, log }));

    const fdCount = o.fdCount ?? defaults.fdCount;
    if (fdCount > 0) {
      const cPath = join(o.classifierDir, 'manifest.json');
      if (!existsSync(cPath)) throw new Error(`${cPath} does not exist: train it first (npm run eval -- --train-classifier)`);
      const cManifest = parseClassifierManifest(readFileSync(cPath, 'utf8'), cPath);
      const classifier = await loadClassifier(cManifest, new Uint8Array(readFileSync(join(o.classifierDir, cManifest.weightsFile))), join(o.classifierDir, cManifest.weightsFile));
      own.push(...Object.values(classifier.weights));
      const srDirs = o.srDirs ?? [];
      let sr: SrModel[] | null = null;
      if (base && srDirs.length > 0 && srDirs.every(has)) {
        sr = [];
        for (const dir of srDirs) {
          const s = await loadUNetDir(dir);
          own.push(...Object.values(s.weights));
          sr.push(srModelFrom(s.manifest, s.unet, s.weights));
        }
      } else log(`cascade: skipped (needs base-64 and ${srDirs.join(', ') || 'its SR stages'})`);
      const figures = await latentImageFigures({
        models: { latent, ae }, cascade: sr && base ? { base, sr } : null, classifier: classifier.classifier, classifierWeights: classifier.weights,
        dataSeed, seed, fdCount, truthPerKind: o.truthPerKind ?? defaults.truthPerKind, cascadePerKind: o.cascadePerKind ?? defaults.cascadePerKind,
        gridPerKind: o.gridPerKind ?? defaults.gridPerKind, steps: o.steps ?? defaults.steps, srSteps: o.srSteps ?? defaults.srSteps,
        guidance: o.guidance ?? defaults.guidance, tile: defaults.tile, crop: defaults.crop, log,
      });
      (figures.frechet as Record<string, JsonValue>).classifier = { weightsSha256: cManifest.weightsSha256, heldOutAccuracy: cManifest.evaluation.heldOutAccuracy ?? null };
      writeAtomically(join(o.modelDir, 'samples.png'), figures.samplesPng);
      writeAtomically(join(o.modelDir, 'crops.png'), figures.cropsPng);
      results.frechet = figures.frechet;
      results.highFrequency = figures.highFrequency;
      results.sampleGrid = { file: 'samples.png', legend: figures.gridLegend };
      results.crops = { file: 'crops.png', legend: figures.cropsLegend };
      results.cost = figures.cost;
      if (base && baseManifest) {
        // base-64's own figure is at its own count (500); the floor and every distance grow as the count shrinks, so
        // it is scored again here at this count, against the same held-out sets when the data seeds agree.
        const steps = o.steps ?? defaults.steps;
        const guidance = o.guidance ?? defaults.guidance;
        const baseSeed = Number(baseManifest.data.details?.seed);
        const study = await frechetStudy({ ...base, steps, guidance, seed, count: fdCount, dataSeed: baseSeed, classifier: classifier.classifier, classifierWeights: classifier.weights, log });
        const r = study.report as Record<string, JsonValue>;
        log(`  ${baseManifest.name} at the same count: ${String((r.samplesVsHeldOut as { distance: number }).distance.toFixed(4))} (floor ${(r.heldOutVsHeldOut as { distance: number }).distance.toFixed(4)})`);
        results.baseFrechet = {
          note:
            `${baseManifest.name} (weights ${baseManifest.weightsSha256.slice(0, 12)}…) sampled and scored by its own evaluation's code (frechet-study.ts) at this run's count, ` +
            `${baseSeed === dataSeed ? 'against the very held-out sets A and B of the frechet figure above (same data seed, same count per kind)' : 'against its own held-out sets (its data seed differs)'}`,
          ...Object.fromEntries(['count', 'sampler', 'samplesVsHeldOut', 'heldOutVsHeldOut', 'ratioToFloor', 'sampleKindAccuracy', 'sampleSeconds'].map((k) => [k, r[k]])),
          weightsSha256: baseManifest.weightsSha256,
        };
      }
    }
    const disturbCount = o.disturbCount ?? LATENT_DISTURB_DEFAULTS.count;
    if (disturbCount > 0) {
      log(`disturb: ${disturbCount} starts, each a clean run and two per defect preset, decoded at ${latent.resolution * ae.vae.factor}²`);
      results.disturb = await recordLatentDisturb({ models: { latent, ae }, count: disturbCount, steps: o.steps ?? defaults.steps, log });
    }
    results.evaluatedWith = evaluatedWith(m.manifest, t0, { vaeWeightsSha256: vaeManifest.weightsSha256, kinds: SCENE_KINDS.join(', ') });
    return updateEvaluation(o.modelDir, results);
  } finally {
    tf.dispose(own);
  }
}
