// Trains the scene-kind classifier with the diffusion runs' toolkit (training-seed batches from
// dataset.ts, AdamW, global-norm clip, warm-up + cosine learning rate) on the wasm backend, with a
// softmax cross-entropy loss, and measures its accuracy on held-out seeds.
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, makeRng } from '../../src/lib/math/rng';
import { buildClassifier, type Classifier } from '../../src/lib/models/classifier';
import { AdamW } from '../adamw';
import type { LossRecord } from '../checkpoint';
import { clipByGlobalNorm } from '../clip';
import { renderExamples, type Batch } from '../dataset';
import { lrAt } from '../lr-schedule';
import { accuracyReport, classifierFeatures, type AccuracyReport } from './classifier-features';
import type { ClassifierTrainConfig } from './classifier-config';

/** deriveSeed stream of the classifier's weight initialisation. */
export const CLASSIFIER_INIT_STREAM = 401;

/** Mean softmax cross-entropy of logits [B, K] against integer labels [B]. Returns a scalar (tidy). */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]), 'float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

export interface ClassifierRun {
  classifier: Classifier;
  /** Final weights as arrays (no tensors survive the run). */
  weights: Map<string, Float32Array>;
  lossLog: LossRecord[];
  wallSeconds: number;
}

/** The training batch of update `step`: scenes step·B … step·B + B − 1 of the training split. */
export function classifierBatch(config: ClassifierTrainConfig, step: number): Batch {
  return renderExamples(config.seed, 'train', step * config.batch, config.batch, config.model.resolution);
}

export function trainClassifier(config: ClassifierTrainConfig, onStep?: (r: LossRecord) => void): ClassifierRun {
  const classifier = buildClassifier(config.model);
  const init = classifier.init(makeRng(deriveSeed(config.seed, CLASSIFIER_INIT_STREAM)));
  let params: tf.NamedTensorMap = Object.fromEntries(classifier.specs.map((s) => [s.name, tf.tensor(init.get(s.name) as Float32Array, s.shape)]));
  const adam = new AdamW({ beta1: config.beta1, beta2: config.beta2, eps: config.adamEps, weightDecay: config.weightDecay });
  const names = classifier.specs.map((s) => s.name);
  const r = config.model.resolution;
  const lossLog: LossRecord[] = [];
  const t0 = performance.now();
  try {
    for (let step = 0; step < config.steps; step++) {
      const ts = performance.now();
      const batch = classifierBatch(config, step);
      const lr = lrAt(config, step);
      const x = tf.tensor4d(batch.x0, [config.batch, r, r, config.model.imageChannels]); // [B, R, R, 3]
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
        const out = classifier.apply(Object.fromEntries(names.map((n, i) => [n, ws[i]])), x);
        return crossEntropy(out.logits, batch.labels);
      })(names.map((n) => params[n]));
      x.dispose();
      const loss = value.dataSync()[0];
      value.dispose();
      const named = Object.fromEntries(names.map((n, i) => [n, grads[i]]));
      if (!Number.isFinite(loss)) {
        tf.dispose(named);
        throw new Error(`classifier loss is ${loss} at step ${step}`);
      }
      const clipped = clipByGlobalNorm(named, config.gradClip);
      tf.dispose(named);
      const next = adam.apply(params, clipped.grads, lr);
      tf.dispose(clipped.grads);
      tf.dispose(params);
      params = next;
      const record = { step: step + 1, loss, lr, gradNorm: clipped.norm, secPerStep: (performance.now() - ts) / 1000 };
      lossLog.push(record);
      onStep?.(record);
    }
    const weights = new Map(names.map((n) => [n, params[n].dataSync() as Float32Array]));
    return { classifier, weights, lossLog, wallSeconds: (performance.now() - t0) / 1000 };
  } finally {
    tf.dispose(params);
    adam.dispose();
  }
}

/** Accuracy on the first `count` held-out scenes of the config's root seed. */
export function heldOutAccuracy(classifier: Classifier, weights: Record<string, tf.Tensor>, config: ClassifierTrainConfig, count = config.heldOutCount): AccuracyReport {
  const held = renderExamples(config.seed, 'heldout', 0, count, config.model.resolution);
  const { predictions } = classifierFeatures(classifier, weights, held.x0);
  return accuracyReport(predictions, held.labels, config.model.classes);
}
