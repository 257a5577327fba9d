// What the autoencoder's evaluation measures on whole held-out scenes at 1024² (the size the lesson
// runs, so crop borders play no part): PSNR and the high-frequency energy ratio against the true render,
// as the SR evaluation measures them (train/eval/sr-metrics.ts), and the statistics of the latent that
// latent diffusion needs (LDM App. G: scale z to unit standard deviation).
import * as tf from '@tensorflow/tfjs-core';
import type { Vae, VaeWeights } from '../../src/lib/models/vae';
import { clipUnit, highFrequencyEnergy, cappedPsnr } from '../eval/sr-metrics';

/** The HF energy is the detail finer than this many pixels: what only the 1024² level holds (as for sr-1024). */
export const HF_FACTOR = 4;

export interface Reconstruction {
  /** μ of the posterior, [s/f, s/f, c] flattened (HWC). */
  latent: Float32Array;
  /** The decoded image, clipped to [−1, 1], [s, s, 3]. */
  image: Float32Array;
}

/** Encodes one [s, s, 3] image to its posterior mean and decodes it with `decoder` (weights by name). */
export function reconstruct(vae: Vae, encoder: VaeWeights, decoder: VaeWeights, img: Float32Array, size: number): Reconstruction {
  const x = tf.tensor4d(img, [1, size, size, 3]);
  const post = vae.encode(encoder, x);
  x.dispose();
  post.logvar.dispose();
  const latent = post.mean.dataSync() as Float32Array;
  const out = vae.decode(decoder, post.mean);
  post.mean.dispose();
  const image = clipUnit(out.dataSync() as Float32Array);
  out.dispose();
  return { latent: latent.slice(), image };
}

export interface ImageScore {
  psnr: number;
  hf: number;
}

export function scoreImage(out: Float32Array, truth: Float32Array, size: number): ImageScore {
  return { psnr: cappedPsnr(out, truth), hf: highFrequencyEnergy(out, size, HF_FACTOR) };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean PSNR, the worst scene's PSNR, and the HF energy as a ratio to the truth's mean. */
export function summarise(scores: readonly ImageScore[], truthHf: number): { psnr: number; psnrMin: number; hfRatio: number } {
  return { psnr: mean(scores.map((s) => s.psnr)), psnrMin: Math.min(...scores.map((s) => s.psnr)), hfRatio: mean(scores.map((s) => s.hf)) / truthHf };
}

export interface LatentStats {
  /** Per channel over every cell of every scene. */
  mean: number[];
  std: number[];
  /** 1 / the standard deviation of all values together (LDM's scale_by_std). */
  scaleFactor: number;
  /** The standard deviation of all values together, about the overall mean. */
  stdAll: number;
}

/** Per-channel statistics of HWC latents of c channels. */
export function latentStats(latents: readonly Float32Array[], c: number): LatentStats {
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  let n = 0;
  for (const z of latents) {
    for (let i = 0; i < z.length; i++) {
      sum[i % c] += z[i];
      sq[i % c] += z[i] * z[i];
    }
    n += z.length / c;
  }
  const m = [...sum].map((s) => s / n);
  const std = [...sq].map((s, k) => Math.sqrt(Math.max(0, s / n - m[k] * m[k])));
  const allMean = mean(m);
  const allVar = mean([...sq].map((s) => s / n)) - allMean * allMean;
  const stdAll = Math.sqrt(Math.max(allVar, 0));
  return { mean: m, std, scaleFactor: 1 / stdAll, stdAll: stdAll };
}
