// One autoencoder update's losses and gradients. Phase 1: L1 + structure + KL on the whole autoencoder
// (LDM §3.1, latent-notes.md §1.1, mean-reduced). Phase 2: the encoder frozen; the patch discriminator
// learns by the hinge loss, and the decoder by reconstruction + λ·(−D(x̂)), λ from the gradient norms
// at its last layer (taming Eq. 7). Random draws are functions of (seed, step), as in train/objective.ts.
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, fillNormal, makeRng } from '../../src/lib/math/rng';
import { klMean, samplePosterior, type Vae } from '../../src/lib/models/vae';
import type { Discriminator } from './discriminator';
import { adaptiveWeightOf, generatorLoss, gradientL1, hingeDiscLoss, l1Mean } from './vae-losses';
import type { VaeTrainConfig } from './vae-train-config';

/** deriveSeed stream of the posterior sample's ε (train/objective.ts uses 201). */
export const VAE_STEP_STREAM = 202;

/** ε for the posterior sample of update `step`, [B, crop/f, crop/f, c] flattened. */
export function posteriorNoise(c: VaeTrainConfig, step: number): Float32Array {
  const side = c.crop / 2 ** (c.model.channels.length - 1);
  const rng = makeRng(deriveSeed(deriveSeed(c.seed, VAE_STEP_STREAM), step));
  return fillNormal(new Float32Array(c.batch * side * side * c.model.latentChannels), rng);
}

export interface StepResult {
  loss: number;
  terms: Record<string, number>;
  /** New gradient tensors (the caller disposes), named like the parameters they belong to. */
  grads: tf.NamedTensorMap;
}

/** The reconstruction loss the decoder is charged in both phases: weighted L1 + structure. */
export function reconstruction(c: VaeTrainConfig, x: tf.Tensor4D, xh: tf.Tensor4D, parts?: Record<string, tf.Scalar>): tf.Scalar {
  return tf.tidy(() => {
    const l1 = l1Mean(x, xh);
    const grad = gradientL1(x, xh, c.loss.gradScales);
    if (parts) {
      parts.l1 = tf.keep(l1.clone());
      parts.grad = tf.keep(grad.clone());
    }
    return tf.add(tf.mul(l1, c.loss.l1), tf.mul(grad, c.loss.grad));
  });
}

/** Reads and disposes kept scalars. */
function numbers(parts: Record<string, tf.Scalar>): Record<string, number> {
  const out = Object.fromEntries(Object.entries(parts).map(([k, t]) => [k, t.dataSync()[0]]));
  tf.dispose(Object.values(parts));
  return out;
}

/** Phase 1: loss and gradients of every encoder and decoder weight. */
export function phase1Step(vae: Vae, params: tf.NamedTensorMap, x: tf.Tensor4D, eps: tf.Tensor4D, c: VaeTrainConfig): StepResult {
  const names = Object.keys(params);
  const parts: Record<string, tf.Scalar> = {};
  const f = (...ws: tf.Tensor[]): tf.Scalar => {
    const w = Object.fromEntries(names.map((n, i) => [n, ws[i]]));
    const post = vae.encode(w, x);
    const z = samplePosterior(post, eps);
    const xh = vae.decode(w, z);
    const kl = klMean(post);
    parts.kl = tf.keep(kl.clone());
    return tf.add(reconstruction(c, x, xh, parts), tf.mul(kl, c.loss.kl));
  };
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params[n]));
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, terms: numbers(parts), grads: Object.fromEntries(names.map((n, i) => [n, grads[i]])) };
}

export interface Phase2Inputs {
  vae: Vae;
  /** The frozen encoder (phase 1's EMA encoder) and the decoder being fine-tuned, by weight name. */
  encoder: tf.NamedTensorMap;
  decoder: tf.NamedTensorMap;
  disc: Discriminator;
  discParams: tf.NamedTensorMap;
  x: tf.Tensor4D;
  eps: tf.Tensor4D;
  /** Whether the decoder learns this step (false during the discriminator's warm-up). */
  decoderLearns: boolean;
}

export interface Phase2Result {
  /** The decoder's gradients (absent while it waits) and D's. */
  decoderGrads?: tf.NamedTensorMap;
  discGrads: tf.NamedTensorMap;
  /** The decoder's loss (reconstruction + λ·adv) and its parts: l1, grad, adv, lambda, disc, dReal, dFake. */
  loss: number;
  terms: Record<string, number>;
}

/** Phase 2: one decoder update (after the warm-up) and one discriminator update on the same batch. */
export function phase2Step(i: Phase2Inputs, c: VaeTrainConfig): Phase2Result {
  const { vae, disc, x } = i;
  const z = tf.tidy(() => {
    const post = vae.encode(i.encoder, x);
    const s = samplePosterior(post, i.eps);
    tf.dispose([post.mean, post.logvar]);
    return s;
  });
  const h = vae.decodeFeatures(i.decoder, z); // [B, H, W, ch0], the last conv's input
  const outW = i.decoder['dec.out.w'];
  const withOut = (w: tf.Tensor): tf.Tensor4D => vae.decodeOut({ ...i.decoder, 'dec.out.w': w }, h);
  const terms: Record<string, number> = {};
  let loss = 0;
  let decoderGrads: tf.NamedTensorMap | undefined;
  try {
    if (i.decoderLearns) {
      // λ from the two gradients at the last layer only: the backward pass stops at h.
      const { lambda, recNorm, advNorm } = adaptiveWeightOf(
        (w) => reconstruction(c, x, withOut(w)),
        (w) => generatorLoss(disc.apply(i.discParams, withOut(w))),
        outW,
        c.discWeight,
        c.maxAdaptiveWeight,
      );
      const names = Object.keys(i.decoder);
      const parts: Record<string, tf.Scalar> = {};
      const f = (...ws: tf.Tensor[]): tf.Scalar => {
        const w = Object.fromEntries(names.map((n, k) => [n, ws[k]]));
        const xh = vae.decode(w, z);
        const adv = generatorLoss(disc.apply(i.discParams, xh));
        parts.adv = tf.keep(adv.clone());
        return tf.add(reconstruction(c, x, xh, parts), tf.mul(adv, lambda));
      };
      const { value, grads } = tf.valueAndGrads(f)(names.map((n) => i.decoder[n]));
      loss = value.dataSync()[0];
      value.dispose();
      decoderGrads = Object.fromEntries(names.map((n, k) => [n, grads[k]]));
      Object.assign(terms, numbers(parts), { lambda, recGradNorm: recNorm, advGradNorm: advNorm });
    }
    // D sees the reconstructions of this batch before the decoder's update, detached (LDM's optimizer_idx 1).
    const xh = vae.decodeOut(i.decoder, h);
    const dNames = Object.keys(i.discParams);
    const dParts: Record<string, tf.Scalar> = {};
    const fd = (...ws: tf.Tensor[]): tf.Scalar => {
      const w = Object.fromEntries(dNames.map((n, k) => [n, ws[k]]));
      const real = disc.apply(w, x);
      const fake = disc.apply(w, xh);
      dParts.dReal = tf.keep(tf.mean(real));
      dParts.dFake = tf.keep(tf.mean(fake));
      return hingeDiscLoss(real, fake);
    };
    const { value, grads } = tf.valueAndGrads(fd)(dNames.map((n) => i.discParams[n]));
    terms.disc = value.dataSync()[0];
    value.dispose();
    xh.dispose();
    Object.assign(terms, numbers(dParts));
    if (!i.decoderLearns) {
      // While only D learns, the decoder's loss is still logged: its reconstruction on this batch.
      const parts: Record<string, tf.Scalar> = {};
      loss = tf.tidy(() => reconstruction(c, x, withOut(outW), parts).dataSync()[0]);
      Object.assign(terms, numbers(parts));
    }
    return { decoderGrads, discGrads: Object.fromEntries(dNames.map((n, k) => [n, grads[k]])), loss, terms };
  } finally {
    z.dispose();
    h.dispose();
  }
}
