// The autoencoder's loss terms: pixel L1, a multi-scale gradient L1 as the structure term, the hinge
// GAN losses and LDM's adaptive adversarial weight (taming's calculate_adaptive_weight; Esser et al.
// 2021, Eq. 7). Every function returns tensors the caller disposes (or runs inside a tf.tidy/grad).
import * as tf from '@tensorflow/tfjs-core';
import { down2 } from '../../src/lib/models/ops';

/** mean |x − x̂| over every value. */
export function l1Mean(x: tf.Tensor4D, xh: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(x, xh))));
}

/** Horizontal and vertical neighbour differences of a [B, H, W, C] image: [B, H, W−1, C] and [B, H−1, W, C]. */
export function differences(a: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const [b, h, w, c] = a.shape;
  return tf.tidy(() => [
    tf.sub(tf.slice(a, [0, 0, 1, 0], [b, h, w - 1, c]), tf.slice(a, [0, 0, 0, 0], [b, h, w - 1, c])),
    tf.sub(tf.slice(a, [0, 1, 0, 0], [b, h - 1, w, c]), tf.slice(a, [0, 0, 0, 0], [b, h - 1, w, c])),
  ]);
}

/**
 * The structure term: mean |∇x̂ − ∇x| of neighbour differences, averaged over box sizes (1 = the pixel
 * grid, 2 and 4 = the 2×2 and 4×4 block means). Why this and not SSIM: a blurred edge or a flattened
 * texture has smaller differences than the truth, so L1 on differences charges blur directly (the
 * gradient-difference loss of Mathieu et al. 2016), it costs two slices per scale, and SSIM's Gaussian
 * windows need a depthwise conv whose gradient tfjs-backend-wasm lacks. Box sizes must be powers of 2.
 */
export function gradientL1(x: tf.Tensor4D, xh: tf.Tensor4D, scales: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const terms: tf.Scalar[] = [];
    for (const s of scales) {
      if (!Number.isInteger(Math.log2(s))) throw new Error(`gradientL1: box size ${s} is not a power of 2`);
      let a = x;
      let ah = xh;
      for (let k = 1; k < s; k *= 2) [a, ah] = [down2(a), down2(ah)];
      const [dx, dy] = differences(a);
      const [hx, hy] = differences(ah);
      terms.push(tf.add(tf.mean(tf.abs(tf.sub(hx, dx))), tf.mean(tf.abs(tf.sub(hy, dy)))));
    }
    return tf.div(tf.addN(terms), scales.length) as tf.Scalar;
  });
}

/** Hinge loss of the discriminator (Lim & Ye 2017; taming's hinge_d_loss): ½(mean relu(1 − D(x)) + mean relu(1 + D(x̂))). */
export function hingeDiscLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))), 0.5) as tf.Scalar);
}

/** The generator's adversarial loss under hinge D (taming, LDM): −mean D(x̂). */
export function generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar);
}

/**
 * λ = clamp(‖∇_W L_rec‖ / (‖∇_W L_adv‖ + δ), 0, max) · discWeight, W the decoder's last layer (taming
 * vqperceptual.py calculate_adaptive_weight, δ = 1e-4 as in the code): the adversarial gradient reaching
 * the last layer then has discWeight times the norm of the reconstruction gradient.
 */
export function adaptiveWeight(recGradNorm: number, advGradNorm: number, discWeight: number, max = 1e4): number {
  const ratio = recGradNorm / (advGradNorm + 1e-4);
  return Math.min(Math.max(ratio, 0), max) * discWeight;
}

/** ‖∂L/∂W‖₂ of one weight for a loss of it. */
export function gradNorm(loss: (w: tf.Tensor) => tf.Scalar, w: tf.Tensor): number {
  const g = tf.grad(loss)(w);
  const n = tf.tidy(() => tf.sqrt(tf.sum(tf.square(g))).dataSync()[0]);
  g.dispose();
  return n;
}

/** λ of two losses of the last layer's weight W (adaptiveWeight of their gradient norms at W), with both norms. */
export function adaptiveWeightOf(rec: (w: tf.Tensor) => tf.Scalar, adv: (w: tf.Tensor) => tf.Scalar, w: tf.Tensor, discWeight: number, max = 1e4): { lambda: number; recNorm: number; advNorm: number } {
  const recNorm = gradNorm(rec, w);
  const advNorm = gradNorm(adv, w);
  return { lambda: adaptiveWeight(recNorm, advNorm, discWeight, max), recNorm, advNorm };
}
