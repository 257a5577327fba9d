// One training step's loss and gradients: L_simple (DDPM Eq. 14) on ε or v targets (Salimans & Ho 2022),
// with t, ε and the classifier-free-guidance label dropout (Ho & Salimans 2022, Alg. 1) all drawn from
// a generator seeded by (seed, step), so any step can be recomputed exactly after a resume.
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, fillNormal, makeRng } from '../src/lib/math/rng';
import { diffusionLoss, minSnrWeights, sampleTrainingSteps, trainingTarget, weightedLSimple } from '../src/lib/diffusion/losses';
import { qSampleBatch } from '../src/lib/diffusion/forward';
import type { Schedule } from '../src/lib/diffusion/schedule';
import type { UNet } from '../src/lib/models/unet';
import type { Batch } from './dataset';
import type { TrainConfig } from './train-config';

/** deriveSeed stream for the per-step noise; distinct from the dataset's streams (101–103). */
export const STEP_STREAM = 201;

export interface StepNoise {
  /** Timesteps in 1..T, [B]. */
  t: number[];
  /** ε ~ N(0, I), [B, H, W, C] flattened. */
  eps: Float32Array;
  /** Class labels after dropout to the null class (index = classes), [B]; empty when unconditional. */
  labels: Int32Array;
}

/** The random draws of update `step`, a pure function of (config.seed, step). */
export function stepNoise(config: Pick<TrainConfig, 'seed' | 'T' | 'condDropout' | 'model'>, step: number, batch: Batch): StepNoise {
  const rng = makeRng(deriveSeed(deriveSeed(config.seed, STEP_STREAM), step));
  const b = batch.labels.length;
  const t = sampleTrainingSteps(b, config.T, rng);
  const eps = fillNormal(new Float32Array(batch.x0.length), rng);
  const classes = config.model.classes;
  const labels = classes > 0 ? Int32Array.from(batch.labels, (l) => (rng.next() < config.condDropout ? classes : l)) : new Int32Array(0);
  return { t, eps, labels };
}

/**
 * The loss and its gradient with respect to every parameter. Returns the loss as a number and the
 * gradients as new tensors (same names as `params`) that the caller disposes; nothing else survives.
 */
export function lossAndGrads(
  unet: UNet,
  params: tf.NamedTensorMap,
  batch: Batch,
  noise: StepNoise,
  config: TrainConfig,
  schedule: Schedule,
): { loss: number; grads: tf.NamedTensorMap } {
  const b = noise.t.length;
  const s = config.resolution;
  const c = config.model.imageChannels;
  const alphaBars = noise.t.map((t) => schedule.alphaBar[t]);
  const names = Object.keys(params);
  const x0 = tf.tensor4d(batch.x0, [b, s, s, c]); // [B, H, W, C]
  const eps = tf.tensor4d(noise.eps, [b, s, s, c]); // [B, H, W, C]
  const t = tf.tensor1d(noise.t, 'float32'); // [B]
  const classes = config.model.classes > 0 ? tf.tensor1d(noise.labels, 'int32') : undefined; // [B]
  try {
    const f = (...ws: tf.Tensor[]): tf.Scalar => {
      const weights = Object.fromEntries(names.map((n, i) => [n, ws[i]]));
      const xt = qSampleBatch(x0, eps, alphaBars) as tf.Tensor4D;
      const out = unet.apply(weights, xt, t, classes ? { classes } : {});
      if (!config.minSnrGamma) return diffusionLoss(config.prediction, out, x0, eps, alphaBars);
      return weightedLSimple(out, trainingTarget(config.prediction, x0, eps, alphaBars), minSnrWeights(config.prediction, alphaBars, config.minSnrGamma));
    };
    const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params[n]));
    const loss = value.dataSync()[0];
    value.dispose();
    return { loss, grads: Object.fromEntries(names.map((n, i) => [n, grads[i]])) };
  } finally {
    x0.dispose();
    eps.dispose();
    t.dispose();
    classes?.dispose();
  }
}

/** The loss alone (no gradients), e.g. on held-out scenes. Returns a number; no tensors survive. */
export function evalLoss(
  unet: UNet,
  weights: tf.NamedTensorMap,
  batch: Batch,
  noise: StepNoise,
  config: Pick<TrainConfig, 'resolution' | 'model' | 'prediction'>,
  schedule: Schedule,
): number {
  const b = noise.t.length;
  const s = config.resolution;
  const c = config.model.imageChannels;
  const alphaBars = noise.t.map((t) => schedule.alphaBar[t]);
  const loss = tf.tidy(() => {
    const x0 = tf.tensor4d(batch.x0, [b, s, s, c]);
    const eps = tf.tensor4d(noise.eps, [b, s, s, c]);
    const classes = config.model.classes > 0 ? tf.tensor1d(noise.labels, 'int32') : undefined;
    const xt = qSampleBatch(x0, eps, alphaBars) as tf.Tensor4D;
    const out = unet.apply(weights, xt, tf.tensor1d(noise.t, 'float32'), classes ? { classes } : {});
    return diffusionLoss(config.prediction, out, x0, eps, alphaBars);
  });
  const v = loss.dataSync()[0];
  loss.dispose();
  return v;
}
