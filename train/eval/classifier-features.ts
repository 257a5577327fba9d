// Running the scene classifier on many images in batches: penultimate features for the Fréchet
// distance, and accuracy with a confusion matrix. Images are [N, R, R, 3] laid end to end in [-1, 1].
import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '../../src/lib/models/classifier';

/** Features [N, F] (row-major) of N images; no tensors survive. */
export function classifierFeatures(
  classifier: Classifier,
  weights: Record<string, tf.Tensor>,
  images: Float32Array,
  batch = 50,
): { features: Float32Array; predictions: Int32Array } {
  const r = classifier.config.resolution;
  const per = r * r * classifier.config.imageChannels;
  const n = images.length / per;
  if (!Number.isInteger(n)) throw new Error(`classifierFeatures: ${images.length} values are not whole ${r}×${r} images`);
  const f = classifier.featureDim;
  const features = new Float32Array(n * f);
  const predictions = new Int32Array(n);
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const [feat, pred] = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(i * per, (i + b) * per), [b, r, r, classifier.config.imageChannels]);
      const out = classifier.apply(weights, x);
      return [out.features.dataSync() as Float32Array, tf.argMax(out.logits, 1).dataSync() as Int32Array];
    });
    features.set(feat, i * f);
    predictions.set(pred, i);
  }
  return { features, predictions };
}

export interface AccuracyReport {
  accuracy: number;
  perClass: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  count: number;
}

export function accuracyReport(predictions: ArrayLike<number>, labels: ArrayLike<number>, classes: number): AccuracyReport {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]][predictions[i]] += 1;
    if (labels[i] === predictions[i]) right += 1;
  }
  const perClass = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total > 0 ? row[k] / total : NaN;
  });
  return { accuracy: right / labels.length, perClass, confusion, count: labels.length };
}
