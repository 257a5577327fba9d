// One super-resolution training step: L_simple on the high-res crop (as objective.ts), with the noised,
// upsampled low-res crop concatenated as extra channels and its aug level as the U-Net's extra scalar
// (Imagen §2.4 noise conditioning augmentation; CDM §3.3). All draws are functions of (seed, step).
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, fillNormal, makeRng } from '../src/lib/math/rng';
import { diffusionLoss, lSimple } from '../src/lib/diffusion/losses';
import { srNetInput, srSigmaData, srTarget, type SrPrecondition } from '../src/lib/pipelines/sr-precondition';
import { srPreconditionOf } from './sr-residual';
import { qSampleBatch } from '../src/lib/diffusion/forward';
import type { Schedule } from '../src/lib/diffusion/schedule';
import type { UNet } from '../src/lib/models/unet';
import { stepNoise, type StepNoise } from './objective';
import { augAlphaBar } from '../src/lib/pipelines/super-resolution';
import { makeSchedule } from '../src/lib/diffusion/schedule';
import { drawLowNoiseSteps } from './sr-low-noise';
import { conditioning, requireSr, spaceToDepth, srHeldOutBatch, type SrBatch } from './sr-data';
import type { TrainConfig } from './train-config';

/** deriveSeed stream of the aug levels and aug noise; distinct from objective.ts's 201. */
export const AUG_STREAM = 202;
/** deriveSeed stream of the "aug level exactly 0" draws (sr.augZeroShare): its own, so AUG_STREAM's draws stay as they were. */
export const AUG_ZERO_STREAM = 206;

export interface SrStepNoise extends StepNoise {
  /** Aug level per example in [0, augMax], [B]; fed to the U-Net as its extra scalar. */
  augLevels: number[];
  /** The noise that corrupts the low-res input, [B, low, low, 3] flattened. */
  augEps: Float32Array;
  /** Weigh each residual component's error by its σ_d² (from sr.varianceWeightFrom on; see componentWeights). */
  varianceWeighted: boolean;
}

/** ᾱ of an aug level: the one the sampler uses (schedule's ᾱ at step round(a·T), a = 0 clean). */
export { augAlphaBar };

/** t and ε exactly as objective.ts draws them (t then partly redrawn near σ_d from sr.lowNoiseFrom on: sr-low-noise.ts), plus the aug levels and aug noise from their own stream. */
export function srStepNoise(config: TrainConfig, step: number, batch: SrBatch, schedule?: Schedule): SrStepNoise {
  const sr = requireSr(config);
  const base = stepNoise(config, step, batch);
  const rng = makeRng(deriveSeed(deriveSeed(config.seed, AUG_STREAM), step));
  const augLevels = Array.from(batch.labels, () => rng.next() * sr.augMax);
  const augEps = fillNormal(new Float32Array(batch.lo.length), rng);
  if (sr.augZeroShare && step >= (sr.augZeroFrom ?? 0)) {
    const zero = makeRng(deriveSeed(deriveSeed(config.seed, AUG_ZERO_STREAM), step));
    for (let i = 0; i < augLevels.length; i++) if (zero.next() < sr.augZeroShare) augLevels[i] = 0;
  }
  const varianceWeighted = sr.varianceWeightFrom !== undefined && step >= sr.varianceWeightFrom;
  if (sr.lowNoiseShare && sr.residualStd !== undefined && step >= (sr.lowNoiseFrom ?? 0)) {
    const low = { share: sr.lowNoiseShare, from: sr.lowNoiseFrom ?? 0, sigmaData: sr.residualStd };
    // The trainer passes its schedule; other callers get one built only when the draws apply.
    drawLowNoiseSteps(base.t, config.seed, step, low, schedule ?? makeSchedule(config.schedule, { T: config.T, resolution: config.resolution }));
  }
  if (sr.regression) {
    // The predictor (sr-data.ts SrSettings.regression): x_T = √ᾱ_T·x₀ with ᾱ_T ≈ 2e-9 carries nothing of x₀,
    // so the net's x̂₀ is a function of the low-res input alone; the pixel MSE makes it the conditional mean.
    base.t.fill(config.T);
    base.eps.fill(0);
    return { ...base, augLevels, augEps, varianceWeighted: true };
  }
  return { ...base, augLevels, augEps, varianceWeighted };
}

/** The net's inputs in its own layout (space-to-depth by k): grid side, channels and flat arrays. */
export interface SrInputs {
  grid: number;
  channels: number;
  x0: Float32Array; // [B, grid, grid, channels]
  eps: Float32Array; // [B, grid, grid, channels]
  extra: Float32Array; // [B, grid, grid, channels]: the conditioning
}

export function srInputs(config: TrainConfig, batch: SrBatch, noise: SrStepNoise, schedule: Schedule): SrInputs {
  const sr = requireSr(config);
  const b = noise.t.length;
  const s = config.resolution;
  const k = sr.spaceToDepth;
  const cond = conditioning(batch.lo, noise.augEps, noise.augLevels.map((a) => augAlphaBar(schedule, a)), s / sr.factor, sr.factor);
  return {
    grid: s / k,
    channels: 3 * k * k,
    x0: spaceToDepth(batch.x0, b, s, 3, k),
    eps: spaceToDepth(noise.eps, b, s, 3, k),
    extra: spaceToDepth(cond, b, s, 3, k),
  };
}

/** L_simple of the net on x_t given the conditioning. Call inside tf.tidy or valueAndGrads. */
function srLoss(unet: UNet, weights: tf.NamedTensorMap, inp: SrInputs, noise: SrStepNoise, config: TrainConfig, schedule: Schedule): tf.Scalar {
  const shape: [number, number, number, number] = [noise.t.length, inp.grid, inp.grid, inp.channels];
  const alphaBars = noise.t.map((t) => schedule.alphaBar[t]);
  const x0 = tf.tensor4d(inp.x0, shape);
  const eps = tf.tensor4d(inp.eps, shape);
  const xt = qSampleBatch(x0, eps, alphaBars) as tf.Tensor4D;
  const opts = { extra: tf.tensor4d(inp.extra, shape), scalar: tf.tensor1d(noise.augLevels, 'float32') };
  const t = tf.tensor1d(noise.t, 'float32');
  const p = srPreconditionOf(config);
  if (p === null) return diffusionLoss(config.prediction, unet.apply(weights, xt, t, opts), x0, eps, alphaBars);
  // EDM's preconditioned loss (sr-precondition.ts): ‖F − target‖² = ‖x̂₀ − x₀‖²/c_out², the sampler's x̂₀ (srDenoiser).
  const augAbs = noise.augLevels.map((a) => augAlphaBar(schedule, a));
  const out = unet.apply(weights, srNetInput(p, xt, opts.extra, alphaBars, augAbs), t, opts);
  const target = srTarget(p, x0, xt, opts.extra, alphaBars, augAbs);
  if (!noise.varianceWeighted) return lSimple(out, target);
  return tf.mean(tf.mul(tf.squaredDifference(out, target), componentWeights(p, augAbs))) as tf.Scalar;
}

/**
 * Loss weights per example and residual component, [B, 1, 1, C]: σ_d,k(a)², scaled to mean 1 per example.
 * EDM's λ = 1/c_out² gives every component unit weight, so the 30-odd faint components (σ_d down to 0.015),
 * whose targets are nearly all unpredictable noise, outweigh the few strong ones where the edges are. With
 * σ_d² the loss at high noise is the x̂₀ error in pixels (c_out ≈ σ_d there), the error PSNR measures; the
 * weight per example, and so per t and aug level, is unchanged.
 */
export function componentWeights(p: SrPrecondition, augAlphaBars: readonly number[]): tf.Tensor4D {
  const rows = augAlphaBars.map((ab) => {
    const s = srSigmaData(p, ab);
    const v = (Array.isArray(s) ? s : [s]).map((x) => x * x);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return v.map((x) => x / mean);
  });
  return tf.tensor4d(rows.flat(), [rows.length, 1, 1, rows[0].length]);
}

/**
 * The loss and its gradient with respect to every parameter. Returns the loss as a number and the
 * gradients as new tensors (same names as `params`) that the caller disposes; nothing else survives.
 */
export function srLossAndGrads(
  unet: UNet,
  params: tf.NamedTensorMap,
  batch: SrBatch,
  noise: SrStepNoise,
  config: TrainConfig,
  schedule: Schedule,
): { loss: number; grads: tf.NamedTensorMap } {
  const names = Object.keys(params);
  const inp = srInputs(config, batch, noise, schedule);
  const { value, grads } = tf.tidy(() => {
    const f = (...ws: tf.Tensor[]): tf.Scalar =>
      srLoss(unet, Object.fromEntries(names.map((n, i) => [n, ws[i]])), inp, noise, config, schedule);
    return tf.valueAndGrads(f)(names.map((n) => params[n]));
  });
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, grads: Object.fromEntries(names.map((n, i) => [n, grads[i]])) };
}

/** The loss alone (no gradients), e.g. on held-out crops. Returns a number; no tensors survive. */
export function srEvalLoss(unet: UNet, weights: tf.NamedTensorMap, batch: SrBatch, noise: SrStepNoise, config: TrainConfig, schedule: Schedule): number {
  const inp = srInputs(config, batch, noise, schedule);
  const loss = tf.tidy(() => srLoss(unet, weights, inp, noise, config, schedule));
  const v = loss.dataSync()[0];
  loss.dispose();
  return v;
}

/**
 * Held-out L_simple of an SR model (export.ts's heldOutLoss for SR configs): the first `count` held-out
 * crops with t, ε and aug levels drawn as for step 0, and the aug level fixed at `augLevel` (default 0:
 * the clean low-res input). Lower is better; comparable across exports of one model.
 */
export function srHeldOutLoss(unet: UNet, weights: tf.NamedTensorMap, config: TrainConfig, schedule: Schedule, count = 16, augLevel = 0): number {
  const batch = srHeldOutBatch(config, count);
  const noise = srStepNoise(config, 0, batch, schedule);
  // Unweighted (EDM's λ) whatever the run's sr.varianceWeightFrom, so exports of one model stay comparable.
  return srEvalLoss(unet, weights, batch, { ...noise, augLevels: noise.augLevels.map(() => augLevel), varianceWeighted: false }, config, schedule);
}
