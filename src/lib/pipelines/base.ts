// The base pipeline: the 64×64 class-conditional U-Net as the sampler's (x, t) → prediction, with
// classifier-free guidance (Ho & Salimans 2022, Eq. 6), and what sampling needs from a manifest.
// The engine runs it; the cascade and latent pipelines will compose it with their own stages.
import * as tf from '@tensorflow/tfjs-core';
import { sample, type Denoiser, type SamplerName, type StepTap } from '../diffusion/sample';
import { makeRng } from '../math/rng';
import { isScheduleName, makeSchedule, type Schedule } from '../diffusion/schedule';
import { PREDICTIONS, type Prediction } from '../diffusion/prediction';
import type { Manifest } from '../models/manifest';
import type { UNet, UNetWeights } from '../models/unet';

/** A model's manifest does not say how to sample it, or a request does not fit the model. */
export class PipelineError extends Error {}

/** A loaded model plus what sampling needs from its manifest's training details. */
export interface BaseModel {
  unet: UNet;
  /** Owned by whoever loaded the model (the engine's cache), which disposes them. */
  weights: UNetWeights;
  schedule: Schedule;
  prediction: Prediction;
  /** Side of the square images it was trained on. */
  resolution: number;
}

/** Reads schedule, T, prediction and resolution from manifest.data.details (train/export.ts writes them). */
export function baseModelFrom(manifest: Manifest, unet: UNet, weights: UNetWeights): BaseModel {
  const d = manifest.data.details ?? {};
  const fail = (field: string): never => {
    throw new PipelineError(`${manifest.name}: manifest data.details.${field} is missing or invalid`);
  };
  const name = isScheduleName(d.schedule) ? d.schedule : fail('schedule');
  const T = Number.isInteger(d.T) ? (d.T as number) : fail('T');
  const resolution = Number.isInteger(d.resolution) ? (d.resolution as number) : fail('resolution');
  const prediction = (PREDICTIONS as readonly unknown[]).includes(d.prediction) ? (d.prediction as Prediction) : fail('prediction');
  return { unet, weights, schedule: makeSchedule(name, { T, resolution }), prediction, resolution };
}

/**
 * The network as the sampler's (x, t) → prediction. With a class and w ≠ 1 it runs the conditional and
 * the null-class rows in one batch of 2B and returns uncond + w·(cond − uncond). Called inside sample's
 * tf.tidy, which disposes everything made here.
 */
export function guidedDenoiser(model: BaseModel, classIndex: number | null, guidance: number): Denoiser {
  const { unet, weights } = model;
  const classes = unet.config.classes;
  if (classIndex !== null && (classes === 0 || classIndex >= classes)) {
    throw new PipelineError(`class ${classIndex} is outside the model's ${classes} classes`);
  }
  const nullClass = classes; // the index the model was trained to read as "no class"
  return (x, t) => {
    const b = x.shape[0];
    const x4 = x as tf.Tensor4D;
    if (classes === 0) return unet.apply(weights, x4, tf.fill([b], t) as tf.Tensor1D);
    if (classIndex === null || guidance === 1) {
      return unet.apply(weights, x4, tf.fill([b], t) as tf.Tensor1D, { classes: tf.fill([b], classIndex ?? nullClass, 'int32') as tf.Tensor1D });
    }
    const labels = tf.concat([tf.fill([b], classIndex, 'int32'), tf.fill([b], nullClass, 'int32')]) as tf.Tensor1D; // [2B]
    const both = unet.apply(weights, tf.concat([x4, x4]), tf.fill([2 * b], t) as tf.Tensor1D, { classes: labels }); // [2B, H, W, C]
    const [cond, uncond] = tf.split(both, 2);
    return tf.add(uncond, tf.mul(guidance, tf.sub(cond, uncond)));
  };
}

/** What one base sample needs beyond the model: the sampler's settings and the seed. */
export interface BaseSampleOptions {
  classIndex: number | null;
  guidance: number;
  batch: number;
  sampler: SamplerName;
  steps: number;
  eta: number;
  seed: number;
  signal?: AbortSignal;
  onStep?: (tap: StepTap) => void | Promise<void>;
}

/**
 * One base sample: the reverse process from seeded noise, x̂₀ clipped to the image range [−1, 1] as
 * DDPM's reference sampler does. Resolves to x_0 [batch, res, res, C], which the caller disposes.
 */
export function sampleBase(model: BaseModel, o: BaseSampleOptions): Promise<tf.Tensor> {
  return sample({
    model: guidedDenoiser(model, o.classIndex, o.guidance),
    shape: [o.batch, model.resolution, model.resolution, model.unet.config.imageChannels],
    schedule: model.schedule,
    sampler: o.sampler,
    steps: o.steps,
    eta: o.eta,
    prediction: model.prediction,
    clipX0: [-1, 1],
    rng: makeRng(o.seed),
    signal: o.signal,
    onStep: o.onStep,
  });
}
