// The latent pipeline (LDM, Rombach et al. 2022): base-64's sampler run on latent-64, whose "image" is the
// autoencoder's 64×64×c latent standardised per channel (train/latent/latent-data.ts), then one decode.
// This file holds what sits between the two models: the latent model's manifest fields, the scaling back
// to the decoder's units, the colour preview of every step, and edits put into the latent mid-run.
import * as tf from '@tensorflow/tfjs-core';
import type { Manifest } from '../models/manifest';
import type { UNet, UNetWeights } from '../models/unet';
import { fillNormal, makeRng, type Rng } from '../math/rng';
import { blend, type Blend } from '../math/slerp';
import { sample } from '../diffusion/sample';
import { baseModelFrom, guidedDenoiser, PipelineError, type BaseModel, type BaseSampleOptions } from './base';
import { applyDefects, maskWeights, type Defect, type Mask } from './defects';
import { applyPreview, previewPseudoInverse, type PreviewMap } from './latent-preview';

export interface LatentModel extends BaseModel {
  /** Latent channels c. */
  channels: number;
  /** Per-channel statistics of the training latents: z = z'·std + mean (z' is what the U-Net sees). */
  mean: number[];
  std: number[];
  /** The encoder the latents came from (its manifest's encoderSha256): only a decoder trained with it may decode them. */
  encoderSha256: string;
  preview: PreviewMap;
}

const isNums = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Reads data.details.latent (train/export.ts) on top of the base fields; throws PipelineError naming the field. */
export function latentModelFrom(manifest: Manifest, unet: UNet, weights: UNetWeights): LatentModel {
  const base = baseModelFrom(manifest, unet, weights);
  const fail = (field: string): never => {
    throw new PipelineError(`${manifest.name}: manifest data.details.latent.${field} is missing or invalid`);
  };
  const d = (manifest.data.details?.latent ?? fail('')) as Record<string, unknown>;
  const c = unet.config.imageChannels;
  const mean = isNums(d.mean, c) ? d.mean : fail('mean');
  const std = isNums(d.std, c) && d.std.every((s) => s > 0) ? d.std : fail('std');
  const encoderSha256 = typeof d.encoderSha256 === 'string' && /^[0-9a-f]{64}$/.test(d.encoderSha256) ? d.encoderSha256 : fail('encoderSha256');
  const p = d.preview as { weights?: unknown; bias?: unknown } | undefined;
  const okWeights = Array.isArray(p?.weights) && p.weights.length === c && p.weights.every((row) => isNums(row, 3));
  const preview = okWeights && isNums(p?.bias, 3) ? { weights: p.weights as number[][], bias: p.bias as number[] } : fail('preview');
  return { ...base, channels: c, mean, std, encoderSha256, preview };
}

/** z' → z in the decoder's units, channels last (inside a tidy or disposed by the caller). */
export function unscaleLatent(z: tf.Tensor4D, m: LatentModel): tf.Tensor4D {
  return tf.add(tf.mul(z, tf.tensor1d(m.std)), tf.tensor1d(m.mean));
}

/** The colour preview of a standardised latent [side, side, c]: unscale, then the linear map (clipped). */
export function previewLatent(zs: Float32Array, m: LatentModel, clip = true): Float32Array {
  const c = m.channels;
  return applyPreview(zs.map((v, i) => v * m.std[i % c] + m.mean[i % c]), m.preview, clip);
}

/** What a latent edit does where its mask covers, in the U-Net's standardised units (one unit = one std). */
export type LatentEffect =
  | { kind: 'set'; value: number } // the cells take this value
  | { kind: 'noise'; sigma: number; seed: number } // i.i.d. Gaussian noise added
  | { kind: 'shift'; delta: number }; // added

/**
 * An edit of the latent after sampler step `at` (0-based; the last step's index edits the final latent,
 * which only the decoder sees). On the latent: an effect on one channel or all, through a mask on the
 * side×side grid. On the preview: a lesson-3 defect painted on the colour preview, lifted into the latent
 * as the least-norm change that makes the preview change by exactly that much (previewPseudoInverse).
 */
export type LatentEdit = (
  | { at: number; space: 'latent'; channel: number | null; effect: LatentEffect; mask: Mask }
  | { at: number; space: 'preview'; defect: Defect }
) & {
  /**
   * Edit the image the latent holds, not the noisy latent itself: the change the edit makes to the step's
   * x̂₀ goes into x_{t'} scaled by √ᾱ_{t'}, the share of the clean latent in x_{t'} = √ᾱ z₀ + √(1−ᾱ) ε
   * (DDIM, Song et al. 2021 Eq. 12, whose x̂₀ the next step then reads with exactly that change). An edit
   * of x_{t'} as it is would be 1/√ᾱ times larger relative to the image, an amplified defect, not the
   * same one. After the last step ᾱ_0 = 1 and x = x̂₀: both forms are the same edit.
   */
  onImage?: boolean;
};

/** Applies one edit to a standardised latent [side, side, c] (a new array). */
export function applyLatentEdit(zs: Float32Array, side: number, m: LatentModel, edit: LatentEdit): Float32Array {
  const c = m.channels;
  if (zs.length !== side * side * c) throw new RangeError(`a ${side}×${side}×${c} latent has ${side * side * c} values, got ${zs.length}`);
  const out = zs.slice();
  if (edit.space === 'preview') {
    const before = previewLatent(zs, m, false);
    const delta = applyDefects(before, side, [edit.defect]).map((v, i) => v - before[i]);
    const P = previewPseudoInverse(m.preview); // [3][c]
    for (let cell = 0; cell < side * side; cell++) {
      for (let j = 0; j < c; j++) {
        const dz = delta[cell * 3] * P[0][j] + delta[cell * 3 + 1] * P[1][j] + delta[cell * 3 + 2] * P[2][j];
        out[cell * c + j] += dz / m.std[j]; // Δz in decoder units → standardised units
      }
    }
    return out;
  }
  if (edit.channel !== null && (!Number.isInteger(edit.channel) || edit.channel < 0 || edit.channel >= c)) {
    throw new RangeError(`channel ${edit.channel} is outside the latent's ${c} channels`);
  }
  const w = maskWeights(edit.mask, side);
  const rng = edit.effect.kind === 'noise' ? makeRng(edit.effect.seed) : null;
  for (let cell = 0; cell < side * side; cell++) {
    for (let j = 0; j < c; j++) {
      const n = rng ? rng.normal() : 0; // drawn for every cell and channel, so a mask change moves no other draw
      if (w[cell] === 0 || (edit.channel !== null && j !== edit.channel)) continue;
      const k = cell * c + j;
      const e = edit.effect;
      out[k] = e.kind === 'set' ? (1 - w[cell]) * out[k] + w[cell] * e.value : out[k] + w[cell] * (e.kind === 'shift' ? e.delta : e.sigma * n);
    }
  }
  return out;
}

/**
 * Where a walk between two seeds starts (lesson 5): z_T blended from the draws of `seed` and `seedB`,
 * spherically or linearly (math/slerp.ts; DDIM's interpolation, Song et al. 2021 §5.3). u = 0 is the
 * plain run of `seed` bit for bit, u = 1 the start of `seedB`.
 */
export interface LatentStart {
  seedB: number;
  u: number;
  blend: Blend;
}

export interface LatentSampleOptions extends BaseSampleOptions {
  /** Edits by step; several at one step apply in order. */
  edits?: readonly LatentEdit[];
  /** A blended z_T instead of the seed's own draw. */
  start?: LatentStart;
}

/**
 * z_T of a walk, [batch, side, side, c] (the caller disposes it), and the seed's generator advanced past
 * its own draw of z_T, exactly as sample() leaves it: the later steps' noise (DDPM, DDIM with η > 0) is
 * then the same as in the plain run of `seed`.
 */
function blendedStart(shape: number[], seed: number, start: LatentStart): { x: tf.Tensor; rng: Rng } {
  const size = shape.reduce((a, b) => a * b, 1);
  const rng = makeRng(seed);
  const a = fillNormal(new Float32Array(size), rng);
  const b = fillNormal(new Float32Array(size), makeRng(start.seedB));
  return { x: tf.tensor(blend(start.blend, a, b, start.u), shape), rng };
}

/**
 * One latent sample: the base sampler on latent-64 without a clip on x̂₀ (standardised latents have no
 * fixed range, and LDM's latent sampler does not clip), with the edits put in after their steps.
 * Resolves to z' [batch, side, side, c] (standardised), which the caller disposes.
 */
export function sampleLatent(model: LatentModel, o: LatentSampleOptions): Promise<tf.Tensor> {
  const side = model.resolution;
  const edits = o.edits ?? [];
  for (const e of edits) if (!Number.isInteger(e.at) || e.at < 0 || e.at >= o.steps) throw new RangeError(`an edit at step ${e.at} is outside the run's ${o.steps} steps`);
  const shape = [o.batch, side, side, model.channels];
  const denoiser = guidedDenoiser(model, o.classIndex, o.guidance); // may refuse the class: before any tensor is made
  const start = o.start ? blendedStart(shape, o.seed, o.start) : null;
  let x0s: Float32Array | null = null;
  const run = sample({
    model: denoiser,
    shape,
    schedule: model.schedule,
    sampler: o.sampler,
    steps: o.steps,
    eta: o.eta,
    prediction: model.prediction,
    clipX0: null,
    rng: start?.rng ?? makeRng(o.seed),
    xStart: start?.x,
    signal: o.signal,
    onStep: async (tap) => {
      // The x̂₀ an image edit after this step is made to, read before the loop disposes it.
      x0s = edits.some((e) => e.at === tap.i && e.onImage) ? (tap.x0.dataSync() as Float32Array).slice() : null;
      await o.onStep?.(tap);
    },
    intervene: (i, tPrev, x) => {
      const now = edits.filter((e) => e.at === i);
      if (now.length === 0) return undefined;
      const per = side * side * model.channels;
      const data = x.dataSync() as Float32Array;
      const out = new Float32Array(data.length);
      const signal = Math.sqrt(model.schedule.alphaBar[tPrev]);
      for (let b = 0; b < o.batch; b++) {
        let z: Float32Array = data.slice(b * per, (b + 1) * per);
        let image: Float32Array | null = x0s?.slice(b * per, (b + 1) * per) ?? null; // x̂₀ with the image edits so far
        for (const e of now) {
          if (!e.onImage || !image) {
            z = applyLatentEdit(z, side, model, e);
            continue;
          }
          const before = image;
          image = applyLatentEdit(before, side, model, e);
          z = z.map((v, k) => v + signal * (image![k] - before[k]));
        }
        out.set(z, b * per);
      }
      return tf.tensor(out, x.shape);
    },
  });
  // sample() copies xStart: the blend is ours to free, however the run ends.
  return start ? run.finally(() => start.x.dispose()) : run;
}
