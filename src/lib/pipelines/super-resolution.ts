// A super-resolution stage of the cascade (CDM §2, Imagen §2.4; science.md §2.1–2.2): the U-Net denoises
// the high-res image given the low-res one, corrupted by forward-process noise at the aug level a and
// nearest-upsampled as extra channels, with a as its extra scalar (non-truncated conditioning
// augmentation, CDM §3.3). The net runs on space-to-depth cells, exactly as train/sr-objective.ts feeds it.
import * as tf from '@tensorflow/tfjs-core';
import { bicubicUpsample } from '../data';
import { sample, type Denoiser, type SamplerName } from '../diffusion/sample';
import type { Schedule } from '../diffusion/schedule';
import { deriveSeed, fillNormal, makeRng } from '../math/rng';
import type { Manifest } from '../models/manifest';
import type { UNet, UNetWeights } from '../models/unet';
import { baseModelFrom, PipelineError, type BaseModel } from './base';
import { depthToSpace, spaceToDepth } from './space-to-depth';
import { residualBasisProblem, srNetInput, srX0, type SrPrecondition } from './sr-precondition';
import { predictorFrom, refinementStart } from './sr-predictor';

export { srSigmaData } from './sr-precondition';

/** What train/export.ts writes under manifest.data.details.sr (train/sr-data.ts SrSettings). */
export interface SrSettings extends SrPrecondition {
  /** Side of the image the model makes in the cascade (256 for sr-256, 1024 for sr-1024). */
  fullSize: number;
  /** Upsampling factor: the low-res input has fullSize / factor pixels a side. */
  factor: number;
  /** Space-to-depth block k: the net sees [H/k, W/k, 3k²]. */
  spaceToDepth: number;
  /** Aug levels were drawn from U[0, augMax] in training; a level above it is extrapolation. */
  augMax: number;
  // With residualStd (and optionally residualStds/residualBasis) the net runs preconditioned around the
  // upsample (sr-precondition.ts); without, its output is x̂₀ itself (with the U-Net's extraResidual, the
  // upsample plus the net).
}

/**
 * A loaded super-resolution model: the base model's reading of the manifest plus its SR settings. Its
 * `resolution` is the training crop side; the output side is the input side × sr.factor.
 */
export interface SrModel extends BaseModel {
  sr: SrSettings;
  /**
   * The stage's predictor (sr-predictor.ts), or absent: its weights (the same config as the denoiser's) and the
   * t at which the denoiser takes over from its forward-noised mean.
   */
  predictor?: { weights: UNetWeights; refineFrom: number };
}

/**
 * Reads the SR settings from manifest.data.details.sr (and schedule, T, prediction as baseModelFrom does),
 * and checks that the net takes what the settings imply: 3k² image, conditioning and output channels,
 * one scalar (the aug level), no classes.
 */
export function srModelFrom(manifest: Manifest, unet: UNet, weights: UNetWeights): SrModel {
  const base = baseModelFrom(manifest, unet, weights);
  const raw = manifest.data.details?.sr;
  const fail = (what: string): never => {
    throw new PipelineError(`${manifest.name}: manifest data.details.sr${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(' is missing (not a super-resolution model?)');
  const int = (key: string): number => {
    const v = raw[key];
    return Number.isInteger(v) && (v as number) >= 1 ? (v as number) : fail(`.${key} is missing or not a positive integer`);
  };
  const sr: SrSettings = { fullSize: int('fullSize'), factor: int('factor'), spaceToDepth: int('spaceToDepth'), augMax: 0 };
  const augMax = raw.augMax;
  sr.augMax = typeof augMax === 'number' && augMax >= 0 && augMax <= 1 ? augMax : fail('.augMax must be a number in [0, 1]');
  if (sr.fullSize % sr.factor !== 0) fail(`.factor ${sr.factor} does not divide fullSize ${sr.fullSize}`);
  const residualStd = raw.residualStd;
  if (residualStd !== undefined) {
    if (typeof residualStd !== 'number' || !(residualStd > 0 && residualStd < 1)) fail('.residualStd must be a number in (0, 1)');
    if (unet.config.extraResidual) fail('.residualStd and the net\'s extraResidual would add the upsample twice');
    if (base.prediction !== 'x0') fail('.residualStd needs prediction x0');
    sr.residualStd = residualStd as number;
    const gain = raw.augResidualGain ?? 0;
    if (typeof gain !== 'number' || !(gain >= 0 && gain <= 4)) fail('.augResidualGain must be a number in [0, 4]');
    sr.augResidualGain = gain as number;
    if (raw.residualStds !== undefined || raw.residualBasis !== undefined) {
      const problem = residualBasisProblem(raw.residualStds, raw.residualBasis, raw.residualGains, 3 * sr.spaceToDepth ** 2);
      if (problem) fail(problem);
      sr.residualStds = raw.residualStds as number[];
      sr.residualBasis = raw.residualBasis as number[];
      if (raw.residualGains !== undefined) sr.residualGains = raw.residualGains as number[];
    }
  }
  const c = unet.config;
  const cells = 3 * sr.spaceToDepth ** 2;
  if (c.imageChannels !== cells || c.extraChannels !== cells || c.outChannels !== cells || !c.extraScalar || c.classes !== 0) {
    fail(`.spaceToDepth ${sr.spaceToDepth} needs a net with ${cells} image, conditioning and output channels, an extra scalar and no classes`);
  }
  const predictor = predictorFrom(manifest, weights, raw.refineFrom, base.schedule.T, fail);
  if (predictor && sr.residualStd === undefined) fail('.refineFrom: a predictor needs the preconditioning (residualStd) it was trained with');
  return predictor ? { ...base, sr, predictor } : { ...base, sr };
}

/** ᾱ of aug level a ∈ [0, 1]: the model's own schedule at step round(a·T), as in training (sr-objective.ts). */
export function augAlphaBar(schedule: Schedule, level: number): number {
  if (!(level >= 0 && level <= 1)) throw new PipelineError(`augmentation level must be in [0, 1], got ${level}`);
  return schedule.alphaBar[Math.round(level * schedule.T)];
}

/**
 * The low-res image corrupted at ᾱ on its own grid (where the previous stage's errors live),
 * √ᾱ·lo + √(1−ᾱ)·ε (Imagen §2.4, CDM §3.3), then bicubic-upsampled by `factor`, as SR3 conditions on the
 * bicubic upsample. ᾱ = 1 upsamples lo itself. lo, eps [low, low, 3] → [low·factor, low·factor, 3].
 * Training (train/sr-data.ts) and sampling both call this, so the model sees one conditioning.
 */
export function augmentedUpsample(lo: Float32Array, eps: Float32Array, alphaBar: number, low: number, factor: number): Float32Array {
  const a = Math.sqrt(alphaBar), s = Math.sqrt(1 - alphaBar);
  const noisy = alphaBar === 1 ? lo : lo.map((v, i) => a * v + s * eps[i]);
  return bicubicUpsample(noisy, low, factor);
}

/** The conditioning channels in cell layout: augmentedUpsample, then space-to-depth by k → [low·factor/k, …, 3k²]. */
export function srConditioning(lo: Float32Array, eps: Float32Array, alphaBar: number, low: number, sr: SrSettings): Float32Array {
  return spaceToDepth(augmentedUpsample(lo, eps, alphaBar, low, sr.factor), low * sr.factor, 3, sr.spaceToDepth);
}

/**
 * The stage's denoiser for the sampler: x_t (cells) and t → x̂₀, given the conditioning (cells) and the aug
 * level. With sr.residualStd the net runs preconditioned around the upsample, exactly as
 * train/sr-objective.ts trains it; otherwise its output is x̂₀. Called inside the sampler's tidy.
 */
export function srDenoiser(model: SrModel, cond: tf.Tensor4D, level: tf.Tensor1D, augAlphaBar: number): Denoiser {
  const p = model.sr;
  return (xt, t) => {
    const tt = tf.fill([1], t) as tf.Tensor1D;
    const opts = { extra: cond, scalar: level };
    if (p.residualStd === undefined) return model.unet.apply(model.weights, xt as tf.Tensor4D, tt, opts);
    const ab = [model.schedule.alphaBar[t]];
    const out = model.unet.apply(model.weights, srNetInput(p, xt as tf.Tensor4D, cond, ab, [augAlphaBar]), tt, opts);
    return srX0(p, xt as tf.Tensor4D, cond, out, ab, [augAlphaBar]);
  };
}

/** deriveSeed streams of a stage's seed: the start noise x_T and the augmentation noise are independent. */
export const NOISE_STREAM = 1;
export const AUG_STREAM = 2;

export interface SrSampleOptions {
  /** Aug level a ∈ [0, 1]: how much forward noise corrupts the low-res input (0 = clean). */
  aug: number;
  steps: number;
  sampler?: SamplerName;
  eta?: number;
  seed: number;
  signal?: AbortSignal;
  /** After every step: its index, the count, and, with `preview`, x̂₀ as [size, size, 3] pixels. */
  onStep?: (step: { i: number; steps: number; x0?: Float32Array }) => void | Promise<void>;
  /** With a predictor (sr-predictor.ts): its mean as [size, size, 3] pixels, before the denoiser's first step. */
  onPredicted?: (mean: Float32Array) => void | Promise<void>;
  /** true: x̂₀ after every step; k: after every k-th step and the last (reading x̂₀ back at 1024² costs). */
  preview?: boolean | number;
}

/** Whether step i (0-based) of `steps` reads x̂₀ back for a preview. */
export function previewWanted(preview: boolean | number | undefined, i: number, steps: number): boolean {
  if (preview === true) return true;
  if (typeof preview !== 'number' || preview < 1) return false;
  return i % preview === 0 || i === steps - 1;
}

/** The input side a model accepts, or a message saying why `low` does not fit. */
function checkLowSize(model: SrModel, low: number, values: number): void {
  const { factor, spaceToDepth: k } = model.sr;
  const multiple = 2 ** (model.unet.config.channelMults.length - 1);
  if (!Number.isInteger(low) || low < 1 || values !== low * low * 3) {
    throw new PipelineError(`the low-res image must hold ${low}×${low}×3 values, got ${values}`);
  }
  if ((low * factor) % (k * multiple) !== 0) {
    throw new PipelineError(`a ${low}×${low} input gives a ${low * factor}-px output, whose ${(low * factor) / k}-cell grid must be divisible by ${multiple}`);
  }
}

/**
 * One super-resolution sample: lo [low, low, 3] in [−1, 1] → the high-res image [low·factor, …, 3] as
 * pixels. The net runs on the whole cell grid (no tiles: GroupNorm's statistics span the whole image,
 * so tiles would change the result); the U-Net frees each block's activations as it goes. The same
 * seed draws the same x_T and the same aug noise whatever the input, so two inputs can be compared.
 * Leaves no tensors behind.
 */
export async function sampleSuperResolution(model: SrModel, lo: Float32Array, low: number, o: SrSampleOptions): Promise<Float32Array> {
  checkLowSize(model, low, lo.length);
  const { factor, spaceToDepth: k } = model.sr;
  const size = low * factor;
  const grid = size / k;
  const channels = 3 * k * k;
  const alphaBar = augAlphaBar(model.schedule, o.aug);
  // Drawn at every level, level 0 included, so the draws never depend on the level or the input.
  const augEps = fillNormal(new Float32Array(lo.length), makeRng(deriveSeed(o.seed, AUG_STREAM)));
  const cond = tf.tensor4d(srConditioning(lo, augEps, alphaBar, low, model.sr), [1, grid, grid, channels]);
  const level = tf.tensor1d([o.aug]);
  const rng = makeRng(deriveSeed(o.seed, NOISE_STREAM));
  let start: tf.Tensor4D | undefined;
  try {
    const p = model.predictor;
    if (p) {
      // The predictor's mean (x_T = 0 at t = T, as it was trained), then x_t₀ around it from the draws x_T would take.
      const mean = tf.tidy(() => tf.clipByValue(srDenoiser({ ...model, weights: p.weights }, cond, level, alphaBar)(tf.zeros([1, grid, grid, channels]), model.schedule.T), -1, 1)) as tf.Tensor4D;
      try {
        start = refinementStart(mean, model.schedule.alphaBar[p.refineFrom], rng);
        if (o.onPredicted) await o.onPredicted(depthToSpace((await mean.data()) as Float32Array, size, 3, k));
      } finally {
        mean.dispose();
      }
    }
    const x = await sample({
      model: srDenoiser(model, cond, level, alphaBar),
      shape: [1, grid, grid, channels],
      schedule: model.schedule,
      sampler: o.sampler ?? 'ddim',
      // Quadratic: the last x̂₀ at small t, where it follows x_t's committed detail (with residualStd's
      // preconditioning) instead of averaging it away: t = 40 rather than 200 for the lesson's 5 steps.
      spacing: 'quadratic',
      // From t₀ the steps spread over t₀..0; more steps than t₀ has are not there to take.
      steps: p ? Math.min(o.steps, p.refineFrom) : o.steps,
      xStart: start,
      tStart: p?.refineFrom,
      eta: o.eta ?? 0,
      prediction: model.prediction,
      clipX0: [-1, 1],
      rng,
      signal: o.signal,
      onStep: o.onStep
        ? async (tap) => {
            const x0 = previewWanted(o.preview, tap.i, tap.steps) ? depthToSpace((await tap.x0.data()) as Float32Array, size, 3, k) : undefined;
            await o.onStep?.({ i: tap.i, steps: tap.steps, x0 });
          }
        : undefined,
    });
    const cells = (await x.data()) as Float32Array;
    x.dispose();
    return depthToSpace(cells, size, 3, k);
  } finally {
    tf.dispose([cond, level, ...(start ? [start] : [])]);
  }
}
