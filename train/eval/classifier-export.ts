// Ships the scene classifier as pretrained/scene-classifier/ (manifest.json + float16 weights.bin,
// through src/lib/models/weights.ts), the way train/export.ts ships a U-Net: written to a temp folder,
// loaded back, its held-out accuracy measured on the float16 weights, and only then swapped in.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_KINDS } from '../../src/lib/data';
import { CLASSIFIER_MANIFEST_VERSION, loadClassifier, parseClassifierManifest, type ClassifierManifest } from '../../src/lib/models/classifier';
import { encodeWeights } from '../../src/lib/models/weights';
import { STREAMS } from '../dataset';
import { downsampleLoss, gitCommit } from '../export';
import { CLASSIFIER_NAME, type ClassifierTrainConfig } from './classifier-config';
import type { ClassifierRun } from './classifier-train';
import { heldOutAccuracy } from './classifier-train';

/** Writes `<pretrainedDir>/scene-classifier/`; returns the folder and the measured accuracy. */
export async function exportClassifier(
  run: ClassifierRun,
  config: ClassifierTrainConfig,
  o: { pretrainedDir?: string; machine: string },
): Promise<{ dir: string; manifest: ClassifierManifest }> {
  const base = o.pretrainedDir ?? 'pretrained';
  const final = join(base, CLASSIFIER_NAME);
  const tmp = join(base, `.${CLASSIFIER_NAME}.tmp-${process.pid}`);
  const encoded = await encodeWeights(run.weights, run.classifier.specs);
  const scenes = config.steps * config.batch;
  const manifest: ClassifierManifest = {
    formatVersion: CLASSIFIER_MANIFEST_VERSION,
    name: CLASSIFIER_NAME,
    architecture: 'scene-classifier',
    config: run.classifier.config,
    classNames: [...SCENE_KINDS],
    weightsFile: 'weights.bin',
    weights: encoded.specs,
    weightsSha256: encoded.sha256,
    paramCount: run.classifier.paramCount,
    flopsPerImage: run.classifier.flopsPerImage,
    data: {
      description:
        `${scenes} procedural scenes at ${config.model.resolution}×${config.model.resolution}, kinds uniform, each seen once: ` +
        `training seeds deriveSeed(deriveSeed(${config.seed}, ${STREAMS.train}), i) & 0x7fffffff for i < ${scenes}; ` +
        `accuracy on the first ${config.heldOutCount} held-out seeds (top bit set)`,
      details: { seed: config.seed, batch: config.batch, steps: config.steps, lr: config.lr, minLr: config.minLr, warmup: config.warmup, weightDecay: config.weightDecay, gradClip: config.gradClip },
    },
    steps: config.steps,
    wallTimeSeconds: run.wallSeconds,
    machine: o.machine,
    lossCurve: downsampleLoss(run.lossLog),
    evaluation: {},
    commit: gitCommit(),
    createdAt: new Date().toISOString(),
  };
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'weights.bin'), encoded.bin);
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    const back = parseClassifierManifest(readFileSync(join(tmp, 'manifest.json'), 'utf8'), join(tmp, 'manifest.json'));
    const loaded = await loadClassifier(back, new Uint8Array(readFileSync(join(tmp, 'weights.bin'))), join(tmp, 'weights.bin'));
    try {
      const acc = heldOutAccuracy(loaded.classifier, loaded.weights, config);
      if (!Number.isFinite(acc.accuracy)) throw new Error('held-out accuracy is not a number');
      manifest.evaluation = {
        heldOutAccuracy: acc.accuracy,
        heldOutCount: acc.count,
        perClassAccuracy: Object.fromEntries(SCENE_KINDS.map((k, i) => [k, acc.perClass[i]])),
        confusion: acc.confusion,
        note: 'float16 weights as shipped; confusion[true][predicted], rows and columns in classNames order; chance is 1/7 ≈ 0.143',
        features: `penultimate layer: global mean of the last level, ${run.classifier.featureDim}-d`,
      };
    } finally {
      tf.dispose(Object.values(loaded.weights));
    }
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    parseClassifierManifest(readFileSync(join(tmp, 'manifest.json'), 'utf8'), join(tmp, 'manifest.json'));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`classifier export failed, ${final} left untouched: ${(e as Error).message}`);
  }
  const aside = join(dirname(final), `.${CLASSIFIER_NAME}.old-${process.pid}`);
  if (existsSync(final)) renameSync(final, aside);
  renameSync(tmp, final);
  rmSync(aside, { recursive: true, force: true });
  return { dir: final, manifest };
}
