// Class-balanced samples from a trained U-Net with the DDIM sampler (Song et al. 2021, Eq. 12, η = 0)
// and classifier-free guidance (Ho & Salimans 2022, Eq. 6 written as out_null + s·(out_cond − out_null),
// so s = 1 is the plain conditional model and needs one network call per step).
import * as tf from '@tensorflow/tfjs-core';
import { sample } from '../../src/lib/diffusion/sample';
import type { Prediction } from '../../src/lib/diffusion/prediction';
import type { Schedule } from '../../src/lib/diffusion/schedule';
import { deriveSeed, makeRng } from '../../src/lib/math/rng';
import type { UNet } from '../../src/lib/models/unet';

/** deriveSeed stream of the sampler's noise, per batch. */
export const SAMPLE_STREAM = 501;

/** Labels 0, 1, …, K−1, 0, 1, …: every class gets ⌊N/K⌋ or ⌈N/K⌉ samples. */
export function balancedLabels(count: number, classes: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => (classes > 0 ? i % classes : 0));
}

export interface SampleSetOptions {
  unet: UNet;
  weights: Record<string, tf.Tensor>;
  schedule: Schedule;
  prediction: Prediction;
  resolution: number;
  /** One class per sample (ignored by an unconditional model). */
  labels: Int32Array;
  /** DDIM steps (model calls per image, ×2 when guidance ≠ 1). */
  steps: number;
  /** Guidance scale s; 1 = conditional model alone. */
  guidance: number;
  seed: number;
  batch?: number;
  /** Called after each batch with the number of samples done. */
  onBatch?: (done: number) => void;
}

/** N samples [N, R, R, C] in model units (≈ [−1, 1]); no tensors survive. x̂₀ is clipped to [−1, 1] at every step, as DDPM's sampler does. */
export async function sampleSet(o: SampleSetOptions): Promise<Float32Array> {
  const c = o.unet.config.imageChannels;
  const r = o.resolution;
  const n = o.labels.length;
  const per = r * r * c;
  const batch = o.batch ?? 25;
  const classes = o.unet.config.classes;
  const out = new Float32Array(n * per);
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const cond = classes > 0 ? tf.tensor1d(o.labels.subarray(i, i + b), 'int32') : undefined; // [b]
    const nul = classes > 0 && o.guidance !== 1 ? tf.fill([b], classes, 'int32') as tf.Tensor1D : undefined; // [b], the null class
    try {
      const model = (x: tf.Tensor, t: number): tf.Tensor => {
        const tt = tf.fill([b], t) as tf.Tensor1D;
        const run = (cls?: tf.Tensor1D) => o.unet.apply(o.weights, x as tf.Tensor4D, tt, cls ? { classes: cls } : {});
        if (!nul) return run(cond);
        const outNull = run(nul);
        return tf.add(outNull, tf.mul(tf.sub(run(cond), outNull), o.guidance)); // the loop's tidy frees the parts
      };
      const x = await sample({
        model, shape: [b, r, r, c], schedule: o.schedule, sampler: 'ddim', steps: o.steps, eta: 0,
        prediction: o.prediction, clipX0: [-1, 1], rng: makeRng(deriveSeed(deriveSeed(o.seed, SAMPLE_STREAM), i)),
      });
      out.set(x.dataSync() as Float32Array, i * per);
      x.dispose();
    } finally {
      cond?.dispose();
      nul?.dispose();
    }
    o.onBatch?.(i + b);
  }
  return out;
}
