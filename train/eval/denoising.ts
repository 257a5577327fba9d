// Denoising error of the network's x̂₀ on held-out scenes at fixed t, beside the diagonal Wiener
// filter (wiener.ts) on the very same x_t: MSE(x̂₀, x₀) per pixel and channel, in [−1, 1] units.
import * as tf from '@tensorflow/tfjs-core';
import { qSampleInto } from '../../src/lib/diffusion/forward';
import { epsAndX0, type Prediction } from '../../src/lib/diffusion/prediction';
import type { Schedule } from '../../src/lib/diffusion/schedule';
import { deriveSeed, fillNormal, makeRng } from '../../src/lib/math/rng';
import type { UNet } from '../../src/lib/models/unet';
import { wienerDenoise, wienerMseClosedForm, type PixelStats } from './wiener';

/** deriveSeed stream of the evaluation noise ε, per t. */
export const DENOISE_STREAM = 601;

export interface DenoisingRow {
  t: number;
  alphaBar: number;
  snr: number;
  /** The network with each scene's true kind as its class (how lessons run it). */
  modelMse: number;
  /** The network with the null class (unconditional), when the model is class-conditional. */
  modelMseNullClass: number | null;
  wienerMse: number;
  /** Σ·(1−ᾱ)/(ᾱΣ + 1−ᾱ) averaged over pixels: the Wiener MSE the training statistics predict. */
  wienerMseClosedForm: number;
  /** modelMse / wienerMse: below 1 means the network beats the per-pixel linear estimate. */
  ratio: number;
}

export interface DenoisingOptions {
  unet: UNet;
  weights: Record<string, tf.Tensor>;
  schedule: Schedule;
  prediction: Prediction;
  resolution: number;
  /** Held-out images [N, R, R, C] and their kinds [N]. */
  x0: Float32Array;
  labels: Int32Array;
  stats: PixelStats;
  ts: readonly number[];
  seed: number;
  batch?: number;
}

function sumSquares(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
  return s;
}

/** One row per t; no tensors survive. */
export function denoisingErrors(o: DenoisingOptions): DenoisingRow[] {
  const c = o.unet.config.imageChannels;
  const r = o.resolution;
  const per = r * r * c;
  const n = o.x0.length / per;
  const batch = o.batch ?? 32;
  const conditional = o.unet.config.classes > 0;
  return o.ts.map((t) => {
    const ab = o.schedule.alphaBar[t];
    const eps = fillNormal(new Float32Array(o.x0.length), makeRng(deriveSeed(deriveSeed(o.seed, DENOISE_STREAM), t)));
    const xt = qSampleInto(new Float32Array(o.x0.length), o.x0, eps, ab);
    const wiener = sumSquares(wienerDenoise(o.stats, xt, ab), o.x0) / o.x0.length;
    let model = 0;
    let modelNull = 0;
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const truth = o.x0.subarray(i * per, (i + b) * per);
      const run = (classes: Int32Array | null): number => {
        const x0hat = tf.tidy(() => {
          const x = tf.tensor4d(xt.subarray(i * per, (i + b) * per), [b, r, r, c]); // [b, R, R, C]
          const opts = classes ? { classes: tf.tensor1d(classes, 'int32') } : {};
          const out = o.unet.apply(o.weights, x, tf.fill([b], t) as tf.Tensor1D, opts);
          return epsAndX0(o.prediction, x, out, ab).x0.dataSync() as Float32Array;
        });
        for (const v of x0hat) if (!Number.isFinite(v)) throw new Error(`the model's x̂₀ is not finite at t = ${t}`);
        return sumSquares(x0hat, truth);
      };
      model += run(conditional ? o.labels.subarray(i, i + b) : null);
      if (conditional) modelNull += run(new Int32Array(b).fill(o.unet.config.classes));
    }
    const modelMse = model / o.x0.length;
    return {
      t,
      alphaBar: ab,
      snr: o.schedule.snr[t],
      modelMse,
      modelMseNullClass: conditional ? modelNull / o.x0.length : null,
      wienerMse: wiener,
      wienerMseClosedForm: wienerMseClosedForm(o.stats, ab),
      ratio: modelMse / wiener,
    };
  });
}
