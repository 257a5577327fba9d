// The image figures of the latent evaluation, from one pass over three sources of full-size images
// (full-size-sources.ts), each reduced on arrival (image-tally.ts):
//  - Fréchet distance of latent-64's decoded samples box-reduced to the latent side (64², where base-64 is
//    measured; a 1024² render area-reduced by 16 is the 64² render, src/lib/data/render.ts) against held-out
//    scenes, with base-64's floor and controls (frechet-study.ts frechetOfSamples);
//  - high-frequency energy at full size per kind (high-frequency.ts bands, fine = 1 px, mid = 2–4 px),
//    decoded samples and the cascade's samples each as a ratio to true renders of held-out scenes;
//  - samples.png (kinds × seeds, reduced for display, true renders on the right) and crops.png (1:1 windows).
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_KINDS } from '../../src/lib/data';
import type { LatentModels } from '../../src/lib/engine/latent-run';
import type { Classifier } from '../../src/lib/models/classifier';
import type { JsonValue } from '../../src/lib/models/manifest';
import type { CascadeModels } from '../../src/lib/pipelines/cascade';
import { frechetOfSamples } from './frechet-study';
import { fullSizeCropsPng } from './full-size-crops';
import { cascadeSamples, decodedLatentSamples, heldOutRenders, type SourceTiming } from './full-size-sources';
import { hfRatio, HF_BANDS } from './high-frequency';
import { ImageTally } from './image-tally';
import { sampleGridPng } from './sample-grid';
import { kindCounts } from './sr-scenes';

export interface LatentImageOptions {
  models: LatentModels;
  /** base-64 → SR stages, or null to leave the cascade out. */
  cascade: CascadeModels | null;
  classifier: Classifier;
  classifierWeights: Record<string, tf.Tensor>;
  /** Root seed of the data (held-out split) and of the evaluation's own randomness. */
  dataSeed: number;
  seed: number;
  /** Decoded samples (class-balanced), true renders and cascade samples per kind, grid columns per kind. */
  fdCount: number;
  truthPerKind: number;
  cascadePerKind: number;
  gridPerKind: number;
  steps: number;
  srSteps: number;
  guidance: number;
  /** Side of a grid tile, and of a full-size crop. */
  tile: number;
  crop: number;
  log?: (line: string) => void;
}

export interface LatentImageFigures {
  frechet: { [key: string]: JsonValue };
  highFrequency: { [key: string]: JsonValue };
  cost: { [key: string]: JsonValue };
  samplesPng: Buffer;
  gridLegend: string;
  cropsPng: Buffer;
  cropsLegend: string;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const perImage = (t: SourceTiming, s: number) => (t.images > 0 ? s / t.images : null);

export async function latentImageFigures(o: LatentImageOptions): Promise<LatentImageFigures> {
  const log = o.log ?? (() => {});
  const K = SCENE_KINDS.length;
  const side = o.models.latent.resolution;
  const size = side * o.models.ae.vae.factor;
  const layout = { size, tile: o.tile, crop: o.crop };

  log(`latent samples: ${o.fdCount} class-balanced, DDIM ${o.steps} steps, guidance ${o.guidance}, each decoded at ${size}²`);
  const samples = new ImageTally({ ...layout, reduced: side, tilesPerKind: o.gridPerKind });
  const st = await decodedLatentSamples(o.models, kindCounts(o.fdCount, K), o, (img, k) => samples.add(img, k), log);

  log(`true renders: ${o.truthPerKind} held-out scenes per kind at ${size}²`);
  const truth = new ImageTally({ ...layout, reduced: 0, tilesPerKind: 2 });
  const rt = heldOutRenders(o.dataSeed, new Array<number>(K).fill(o.truthPerKind), size, (img, k) => truth.add(img, k));

  const runCascade = o.cascade !== null && o.cascadePerKind > 0;
  const cascade = runCascade ? new ImageTally({ ...layout, reduced: 0, tilesPerKind: 0 }) : null;
  let ct: SourceTiming | null = null;
  if (o.cascade && cascade) {
    log(`cascade: ${o.cascadePerKind} per kind, base DDIM ${o.steps} steps then each SR stage ${o.srSteps} steps, aug 0`);
    ct = await cascadeSamples(o.cascade, new Array<number>(K).fill(o.cascadePerKind), o, o.srSteps, (img, k) => cascade.add(img, k), log);
  }

  const reduced = samples.reducedSet();
  const sampler = `latent-64: DDIM η = 0, ${o.steps} steps in the standardised latent, no clip (src/lib/pipelines/latent.ts), guidance scale ${o.guidance}; each decoded once at ${size}² (final decoder, clipped to [−1, 1]) and box-reduced ${size / side}× to ${side}²`;
  const study = frechetOfSamples(reduced.x0, reduced.labels, {
    classifier: o.classifier, classifierWeights: o.classifierWeights, resolution: side, dataSeed: o.dataSeed, seed: o.seed,
    conditional: true, sampler, sampleSeconds: st.sampleSeconds + st.decodeSeconds, log,
  });
  const fdr = study.report as Record<string, { distance: number }>;
  log(`  fréchet: samples ${fdr.samplesVsHeldOut.distance.toFixed(4)}, floor ${fdr.heldOutVsHeldOut.distance.toFixed(4)}, blurred ${fdr.blurredVsHeldOut.distance.toFixed(4)}, shuffled ${fdr.shuffledVsHeldOut.distance.toFixed(4)}`);

  const ratios = (set: ImageTally) =>
    Object.fromEntries(HF_BANDS.map((band) => [band, hfRatio({ energies: set[band], labels: set.labels }, { energies: truth[band], labels: truth.labels }, SCENE_KINDS) as unknown as JsonValue]));
  const highFrequency: { [key: string]: JsonValue } = {
    note:
      `high-frequency energy at ${size}² per scene kind, as the ratio of a set's mean to true renders' of held-out scenes (1 = as much detail; blur < 1, noise > 1); ` +
      `fine = mean square of x − up(down₂ x) (1-px detail), mid = of up(down₂ x) − up(down₄ x) (2–4 px), box down, nearest up (src/lib/data/measure.ts), ` +
      `as base-64's figure at 64²; samples = latent-64's decoded samples, cascade = base-64 → sr-256 → sr-1024 (none when not run); logError = mean over kinds of |ln ratio|`,
    size,
    samplesCount: samples.count,
    cascadeCount: cascade?.count ?? 0,
    heldOutCount: truth.count,
    heldOutEnergy: { fine: mean(truth.fine), mid: mean(truth.mid) },
    samplesVsHeldOut: ratios(samples),
    cascadeVsHeldOut: cascade ? ratios(cascade) : null,
  };
  for (const [name, set] of [['samples', samples], ['cascade', cascade]] as const) {
    if (set) log(`  high frequency at ${size}²: ${name} fine ${(mean(set.fine) / mean(truth.fine)).toFixed(3)}, mid ${(mean(set.mid) / mean(truth.mid)).toFixed(3)}`);
  }

  const grid = sampleGridPng(
    SCENE_KINDS.map((kind, k) => ({ label: kind, samples: samples.tiles.get(k) ?? [], references: truth.tiles.get(k) ?? [] })),
    { size: o.tile, zoom: 1 },
  );
  const crops = fullSizeCropsPng(
    [
      { label: 'latent', crops: SCENE_KINDS.map((_, k) => samples.crops.get(k) ?? null) },
      ...(cascade ? [{ label: 'cascade', crops: SCENE_KINDS.map((_, k) => cascade.crops.get(k) ?? null) }] : []),
      { label: 'truth', crops: SCENE_KINDS.map((_, k) => truth.crops.get(k) ?? null) },
    ],
    SCENE_KINDS,
    o.crop,
    size,
  );
  const cost: { [key: string]: JsonValue } = {
    note: `wall seconds of this run (tfjs ${tf.getBackend()} in Node, one thread, on a machine shared with a training run): sampling is per image of a batch of ${Math.ceil(o.fdCount / K)}; decode = one ${size}² decode`,
    secondsPerLatentSample: perImage(st, st.sampleSeconds),
    secondsPerDecode: perImage(st, st.decodeSeconds),
    secondsPerCascadeSample: ct ? perImage(ct, ct.sampleSeconds) : null,
    secondsPerTrueRender: perImage(rt, rt.sampleSeconds),
  };
  return {
    frechet: study.report, highFrequency, cost,
    samplesPng: grid.png, gridLegend: `${grid.legend}; samples decoded at ${size}² and box-reduced ${size / o.tile}×, held-out = true ${size}² renders reduced the same way`,
    cropsPng: crops.png, cropsLegend: crops.legend,
  };
}
