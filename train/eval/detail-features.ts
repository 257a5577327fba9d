// Features that keep detail, for a second Fréchet distance: the scene classifier's early activations
// (level 0: one 3×3 conv → GroupNorm → SiLU at full resolution; level 1: another at half), taken at
// every position of every image, with one Gaussian fitted to all those local feature vectors. This is
// SIFID's recipe (Shaham et al. 2019, SinGAN, §4: the Fréchet distance between the internal statistics
// of an early layer's per-location features) applied to a whole set instead of one image. Pooling the
// last level over space, as the FID features do (classifier-features.ts), averages edges away; the
// local vectors keep them: measured on held-out scenes, blur moves this distance 32× its floor and the
// pooled one 14× (DETAIL_LEVEL in sharpness-study.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '../../src/lib/models/classifier';
import type { Gaussian } from './frechet';
import { matrix } from './symmetric-eigen';

/**
 * Running sums for the mean and covariance of many d-vectors, in float64 (the counts reach millions:
 * 500 images × 64² positions). The raw moments are taken about a fixed shift (the first vector), so
 * Σxxᵀ − nμμᵀ does not cancel catastrophically when the mean is large next to the spread.
 */
export class GaussianAccumulator {
  private n = 0;
  private readonly sum: Float64Array;
  private readonly outer: Float64Array; // upper triangle of Σ (x − shift)(x − shift)ᵀ, row-major d×d
  private shift: Float64Array | null = null;
  private readonly row: Float64Array;

  constructor(readonly d: number) {
    this.sum = new Float64Array(d);
    this.outer = new Float64Array(d * d);
    this.row = new Float64Array(d);
  }

  /** Adds the vectors stored row-major in `rows` [M, d]. */
  add(rows: ArrayLike<number>): void {
    const d = this.d;
    if (rows.length % d !== 0) throw new Error(`GaussianAccumulator: ${rows.length} values are not whole ${d}-vectors`);
    if (!this.shift && rows.length > 0) this.shift = Float64Array.from({ length: d }, (_, j) => rows[j]);
    const shift = this.shift as Float64Array;
    const { row, sum, outer } = this;
    for (let o = 0; o < rows.length; o += d) {
      for (let j = 0; j < d; j++) row[j] = rows[o + j] - shift[j];
      for (let a = 0; a < d; a++) {
        const ra = row[a];
        sum[a] += ra;
        const base = a * d;
        for (let b = a; b < d; b++) outer[base + b] += ra * row[b];
      }
    }
    this.n += rows.length / d;
  }

  /** Mean and unbiased covariance, as fitGaussian (frechet.ts) gives for the same vectors. */
  gaussian(): Gaussian {
    const { d, n } = this;
    if (n < 2) throw new Error(`GaussianAccumulator: need ≥ 2 vectors, got ${n}`);
    const shift = this.shift as Float64Array;
    const m = Float64Array.from(this.sum, (s) => s / n); // mean of x − shift
    const cov = matrix(d);
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const v = (this.outer[a * d + b] - n * m[a] * m[b]) / (n - 1);
        cov.data[a * d + b] = v;
        cov.data[b * d + a] = v;
      }
    }
    return { mean: Float64Array.from(m, (v, j) => v + shift[j]), cov, count: n };
  }
}

/**
 * The Gaussian of level `level`'s activation vectors at every position of every image ([N, R, R, 3] at the
 * classifier's resolution, end to end). No tensors survive.
 */
export function localFeatureGaussian(classifier: Classifier, weights: Record<string, tf.Tensor>, images: Float32Array, level: number, batch = 50): Gaussian {
  const r = classifier.config.resolution;
  const c = classifier.config.imageChannels;
  const per = r * r * c;
  const n = images.length / per;
  if (!Number.isInteger(n)) throw new Error(`localFeatureGaussian: ${images.length} values are not whole ${r}×${r} images`);
  const acc = new GaussianAccumulator(classifier.config.widths[level]);
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    // The tensor leaves tidy, not its values: tidy walks a returned array element by element looking
    // for tensors, which costs seconds for the 1.6 M values of a batch.
    const h = tf.tidy(() => classifier.activations(weights, tf.tensor4d(images.subarray(i * per, (i + b) * per), [b, r, r, c]), level));
    try {
      acc.add(h.dataSync() as Float32Array); // [b, R/2^l, R/2^l, C]: rows of C
    } finally {
      h.dispose();
    }
  }
  return acc.gaussian();
}
